package io.jamesdmarc.cli;

import io.jamesdmarc.storage.DatabaseUnavailableException;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code dmarc} command: the companion tool of the james-dmarc plugin. Each subcommand is a
 * class of its own in this package; this one only registers them.
 */
@Command(name = "dmarc",
    mixinStandardHelpOptions = true,
    versionProvider = DmarcCommand.Version.class,
    description = "DMARC reports for Apache James: parse, import, summarise and serve them; send the aggregate reports your server owes.",
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
        "0:done",
        "1:some inputs failed (see the subcommand)",
        "2:invalid command line",
        "3:the database cannot be reached or started"},
    subcommands = {
        CommandLine.HelpCommand.class,
        ParseCommand.class,
        ImportCommand.class,
        SummaryCommand.class,
        ServeCommand.class,
        ReportsCommand.class
    })
public final class DmarcCommand implements Runnable {

    /** Exit status when the database cannot be reached (server) or started (embedded). */
    public static final int EXIT_DATABASE_UNAVAILABLE = 3;

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
        CommandLine commandLine = new CommandLine(new DmarcCommand());
        commandLine.setExecutionExceptionHandler(DmarcCommand::failed);
        return commandLine;
    }

    /** An unreachable database is the operator's to fix, not a bug: one clear line, no stack trace. */
    private static int failed(Exception error, CommandLine commandLine, CommandLine.ParseResult parseResult) throws Exception {
        if (error instanceof DatabaseUnavailableException) {
            commandLine.getErr().println(commandLine.getCommandName().equals("dmarc") ? "dmarc: " + error.getMessage()
                : "dmarc " + commandLine.getCommandName() + ": " + error.getMessage());
            commandLine.getErr().flush();
            return EXIT_DATABASE_UNAVAILABLE;
        }
        throw error;
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
