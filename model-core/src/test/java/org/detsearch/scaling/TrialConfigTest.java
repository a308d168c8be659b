package org.detsearch.scaling;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrialConfigTest {
    private static SortedMap<String, Object> map(Object... kv) {
        SortedMap<String, Object> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static TrialConfig trial(Object fpnChannels, Object learningRate) {
        return new TrialConfig("retinanet", map("backbone", "tiny", "fpn-channels", fpnChannels, "width", 0.25),
                42, 1.0, map("optimizer", map("learning-rate", learningRate, "method", "adam"), "epochs", 1));
    }

    @Test
    void theCanonicalFormSortsKeysAndSpellsNumbersOneWay() {
        TrialConfig t = trial(16, 2e-3);
        assertEquals("{\"architecture\":{\"backbone\":\"tiny\",\"fpn-channels\":16,\"width\":0.25},\"data-subset\":1,"
                + "\"family\":\"retinanet\",\"seed\":42,\"settings\":{\"epochs\":1,\"optimizer\":{\"learning-rate\":0.002,"
                + "\"method\":\"adam\"}}}", t.canonicalJson());
        assertEquals(t.id(), trial(16.0, 0.002).id(), "16 and 16.0, 2e-3 and 0.002 are one value");
        assertEquals(t.id(), trial(16L, 0.0020000000000000000001).id());
        assertEquals(32, t.id().length());
        assertTrue(t.id().matches("[0-9a-f]{32}"));
    }

    @Test
    void insertionOrderDoesNotMatterButEveryValueDoes() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("width", 0.25);
        a.put("backbone", "tiny");
        a.put("fpn-channels", 16);
        TrialConfig reordered = new TrialConfig("retinanet", new TreeMap<>(a), 42, 1.0,
                map("epochs", 1, "optimizer", map("method", "adam", "learning-rate", 0.002)));
        assertEquals(trial(16, 0.002).id(), reordered.id());
        assertNotEquals(trial(16, 0.002).id(), trial(24, 0.002).id());
        assertNotEquals(trial(16, 0.002).id(), trial(16, 0.0021).id());
        TrialConfig otherSeed = new TrialConfig("retinanet", trial(16, 0.002).architecture(), 43, 1.0, trial(16, 0.002).settings());
        assertNotEquals(trial(16, 0.002).id(), otherSeed.id());
    }

    @Test
    void theIdIsStableAcrossRunsAndJdks() {
        // a fixed config's id: changing it orphans every stored result, so it must only change with the format version
        assertEquals("2ab9fc156443982e924702987e20eb13", trial(16, 0.002).id());
        assertEquals(trial(16, 0.002).id(), TrialConfig.parse(trial(16, 0.002).canonicalJson()).id());
        assertEquals(trial(16, 0.002), TrialConfig.parse(trial(16, 0.002).canonicalJson()));
    }

    @Test
    void stringsAreEscapedAndListsKeepTheirOrder() {
        TrialConfig t = new TrialConfig("retinanet", map("name", "a \"b\"\n\\c"), 1, 0.5, map("phis", List.of(3, 1, 2)));
        assertTrue(t.canonicalJson().contains("\"name\":\"a \\\"b\\\"\\n\\\\c\""), t.canonicalJson());
        assertTrue(t.canonicalJson().contains("\"phis\":[3,1,2]"), t.canonicalJson());
        assertEquals(t, TrialConfig.parse(t.canonicalJson()));
    }

    @Test
    void badValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TrialConfig("retinanet", map("w", Double.NaN), 1, 1, map()));
        assertThrows(IllegalArgumentException.class, () -> new TrialConfig("retinanet", map("w", new Object()), 1, 1, map()));
        assertThrows(IllegalArgumentException.class, () -> new TrialConfig("retinanet", map(), 1, 0, map()));
        assertThrows(IllegalArgumentException.class, () -> new TrialConfig("retinanet", map(), 1, 1.5, map()));
        assertThrows(IllegalArgumentException.class, () -> new TrialConfig(" ", map(), 1, 1, map()));
        assertThrows(IllegalArgumentException.class, () -> TrialConfig.parse("{\"family\":\"x\"}"));
    }
}
