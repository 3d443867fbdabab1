package io.jamesdmarc.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dmarc reports}: the reports this server sends. */
@Command(name = "reports",
    mixinStandardHelpOptions = true,
    description = "The DMARC reports this server sends about the mail it received (the DmarcAggregateReporter mailet's work, on demand).",
    subcommands = {SendReportsCommand.class})
public final class ReportsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
