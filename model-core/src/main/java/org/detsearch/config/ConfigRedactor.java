package org.detsearch.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders a resolved config for writing next to a run's outputs, with secrets replaced by "***": any key
 * whose last segment looks like a credential (S3 access/secret keys, session tokens, passwords).
 */
public final class ConfigRedactor {
    public static final String REDACTED = "***";
    private static final Pattern SECRET_KEY = Pattern.compile(
            ".*(secret|password|passwd|token|credential|access[.-]?key|private[.-]?key|session[.-]?key).*");

    private ConfigRedactor() {
    }

    public static boolean isSecret(String path) {
        java.util.List<String> parts = com.typesafe.config.ConfigUtil.splitPath(path);
        String last = parts.get(parts.size() - 1).toLowerCase(Locale.ROOT);
        return SECRET_KEY.matcher(last).matches();
    }

    /** The config with every secret value replaced; system properties and the environment are left out. */
    public static Config redact(Config config) {
        Config result = config;
        for (Map.Entry<String, ?> entry : config.entrySet()) {
            if (isSecret(entry.getKey())) {
                result = result.withValue(entry.getKey(), ConfigValueFactory.fromAnyRef(REDACTED));
            }
        }
        return result;
    }

    /** HOCON text of the redacted config, restricted to the given top-level sections (e.g. "detsearch", "spark"). */
    public static String render(Config config, String... sections) {
        Config redacted = redact(config);
        Config kept = com.typesafe.config.ConfigFactory.empty();
        for (String section : sections) {
            if (redacted.hasPath(section)) {
                kept = kept.withValue(section, redacted.getValue(section));
            }
        }
        return kept.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
    }
}
