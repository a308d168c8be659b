package org.detsearch.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigRedactorTest {
    @Test
    void secretsAreReplacedEverywhereAndOtherValuesKept() {
        Config config = ConfigFactory.parseString("""
                hadoop { "fs.s3a.access.key" = AKIA123, "fs.s3a.secret.key" = s3cr3t, "fs.s3a.endpoint" = "http://x" }
                prepare { output = "s3a://bucket/out", db { password = hunter2, session-token = abc } }
                other { x = 1 }
                """);
        String text = ConfigRedactor.render(config, "hadoop", "prepare");
        assertFalse(text.contains("AKIA123") || text.contains("s3cr3t") || text.contains("hunter2") || text.contains("abc"), text);
        assertTrue(text.contains("http://x") && text.contains("s3a://bucket/out"), text);
        assertFalse(text.contains("other"), "sections not asked for are left out: " + text);
        Config parsed = ConfigFactory.parseString(text);
        assertEquals(ConfigRedactor.REDACTED, parsed.getString("hadoop.\"fs.s3a.secret.key\""));
        assertEquals(ConfigRedactor.REDACTED, parsed.getString("prepare.db.password"));
    }

    @Test
    void onlyTheLastKeySegmentDecides() {
        assertTrue(ConfigRedactor.isSecret("hadoop.\"fs.s3a.secret.key\""));
        assertTrue(ConfigRedactor.isSecret("a.token"));
        assertFalse(ConfigRedactor.isSecret("secrets.path"));
        assertFalse(ConfigRedactor.isSecret("prepare.max-side"));
    }
}
