package org.detsearch.cli;

import picocli.CommandLine;

/** The version from the jar manifest (set by Maven), or "development" when run from classes. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {"detsearch " + (version == null ? "development" : version)};
    }
}
