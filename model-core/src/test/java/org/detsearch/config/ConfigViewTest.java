package org.detsearch.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigViewTest {
    enum Mode { CLIP, REJECT_ALL }

    private final ConfigView job = ConfigView.of(ConfigFactory.parseString(
            "job { size = 128MiB, count = 7, ratio = 0.5, name = \"\", mode = clip, nested { flag = yes } }"), "job");

    @Test
    void readsTypedValuesWithinTheirRanges() {
        assertEquals(128L * 1024 * 1024, job.bytesAtLeast("size", 1));
        assertEquals(7, job.intIn("count", 1, 10));
        assertEquals(0.5, job.doubleIn("ratio", 0, 1));
        assertEquals(Mode.CLIP, job.enumValue("mode", Mode.class));
        assertTrue(job.sub("nested").bool("flag"));
    }

    @Test
    void outOfRangeValueNamesFullPathValueAndAllowedRange() {
        ConfigValidationException e = assertThrows(ConfigValidationException.class, () -> job.intIn("count", 10, 20));
        assertEquals("bad config value at 'job.count': got 7; allowed: an integer in [10, 20]", e.getMessage());
        assertEquals("job.count", e.path());
    }

    @Test
    void wrongTypeMissingAndBlankValuesAreNamed() {
        assertEquals("bad config value at 'job.ratio': got 0.5; expected an integer",
                assertThrows(ConfigValidationException.class, () -> job.intIn("ratio", 0, 9)).getMessage());
        assertEquals("bad config value at 'job.absent': missing; expected a string",
                assertThrows(ConfigValidationException.class, () -> job.string("absent")).getMessage());
        assertEquals("bad config value at 'job.name': got \"\"; must not be empty",
                assertThrows(ConfigValidationException.class, () -> job.nonBlank("name")).getMessage());
        assertEquals("bad config value at 'job.nested.color': missing; expected a string",
                assertThrows(ConfigValidationException.class, () -> job.sub("nested").string("color")).getMessage());
    }

    @Test
    void unknownEnumWordListsTheAllowedWords() {
        ConfigView view = ConfigView.of(ConfigFactory.parseString("mode = crop"), "");
        assertEquals("bad config value at 'mode': got \"crop\"; allowed: one of clip, reject-all",
                assertThrows(ConfigValidationException.class, () -> view.enumValue("mode", Mode.class)).getMessage());
    }

    @Test
    void overridesWinOverTheJobFileWhichWinsOverReferenceDefaults(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        File file = dir.resolve("job.conf").toFile();
        Files.writeString(file.toPath(), "test-section { a = from-file, b = from-file }");
        Config config = ConfigLoader.load(file, Map.of("test-section.b", "from-override"));
        assertEquals("from-file", config.getString("test-section.a"));
        assertEquals("from-override", config.getString("test-section.b"));
        assertEquals("reference-default", config.getString("test-section.c"));
    }

    @Test
    void missingOrBrokenJobFileIsAConfigError(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        File missing = dir.resolve("nope.conf").toFile();
        assertTrue(assertThrows(ConfigValidationException.class, () -> ConfigLoader.load(missing, Map.of()))
                .getMessage().contains("nope.conf does not exist"));
        File broken = dir.resolve("broken.conf").toFile();
        Files.writeString(broken.toPath(), "a {\n b = [1, 2\n");
        String message = assertThrows(ConfigValidationException.class, () -> ConfigLoader.load(broken, Map.of())).getMessage();
        assertTrue(message.contains("broken.conf: 3:"), message);
    }
}
