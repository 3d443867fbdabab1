package io.jamesdmarc.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code dmarc} command: the companion tool of the james-dmarc plugin. Each subcommand is a
 * class of its own in this package; this one only registers them.
 */
@Command(name = "dmarc",
    mixinStandardHelpOptions = true,
    versionProvider = DmarcCommand.Version.class,
    description = "DMARC reports for Apache James: parse, import, summarise and serve them.",
    subcommands = {
        CommandLine.HelpCommand.class
    })
public final class DmarcCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // no subcommand: show what there is
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also what tests execute. */
    public static CommandLine commandLine() {
        return new CommandLine(new DmarcCommand());
    }

    /** The version of the jar, from its manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = DmarcCommand.class.getPackage().getImplementationVersion();
            return new String[] {"dmarc (james-dmarc) " + (version == null ? "development build" : version)};
        }
    }
}
