package org.detsearch.scaling;

import org.detsearch.config.ConfigValidationException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The model families a sweep can name ({@code sweep.family}). */
public final class ModelFamilies implements java.io.Serializable {
    private final LinkedHashMap<String, ModelFamily> byName = new LinkedHashMap<>();

    public ModelFamilies(List<ModelFamily> families) {
        families.forEach(f -> byName.put(f.name(), f));
    }

    /** The families DetSearch ships: retinanet, efficientdet. */
    public static ModelFamilies builtIn() {
        return new ModelFamilies(List.of(new RetinaNetFamily(), new EfficientDetFamily()));
    }

    /** The family called {@code name}; {@code path} is the config key that named it, for the error. */
    public ModelFamily get(String name, String path) {
        ModelFamily family = byName.get(name);
        if (family == null) {
            throw new ConfigValidationException(path, name, "allowed: one of " + String.join(", ", byName.keySet()));
        }
        return family;
    }
}
