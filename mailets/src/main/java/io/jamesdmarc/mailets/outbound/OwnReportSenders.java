package io.jamesdmarc.mailets.outbound;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.apache.mailet.MailetException;

import io.jamesdmarc.mailets.outbound.aggregate.AggregateReporterConfiguration;
import io.jamesdmarc.mailets.settings.DmarcSettings;
import io.jamesdmarc.model.outbound.ReporterIdentity;
import io.jamesdmarc.model.vocabulary.DmarcResult;

/**
 * The envelope senders of the reports this server sends ({@code aggregateFromAddress} as
 * {@code dmarc.properties} sets it, else its default): a report of ours that comes back in over SMTP
 * (a rua of one of our own domains, a forward) and passes DMARC is not recorded, so no report is
 * ever made about our reports. It is still evaluated and its policy enforced: a spoof of that
 * address fails DMARC and is recorded like any other.
 */
public final class OwnReportSenders {

    private final Set<String> addresses;

    private OwnReportSenders(Set<String> addresses) {
        this.addresses = addresses;
    }

    /** Reads {@code aggregateFromAddress} from the mailet's settings (the shared file), with its default. */
    public static OwnReportSenders read(DmarcSettings settings, MailetContext context) throws MailetException {
        MailAddress postmaster = context.getPostmaster();
        String domain = postmaster == null ? "localhost" : postmaster.getDomain().asString();
        String aggregate = settings.value(AggregateReporterConfiguration.FROM_ADDRESS)
            .orElse(ReporterIdentity.DEFAULT_FROM_LOCAL_PART + "@" + domain);
        return new OwnReportSenders(Set.of(aggregate.toLowerCase(Locale.ROOT)));
    }

    /** Why the evaluation of {@code mail} is not recorded, or empty when it is. */
    public Optional<String> notRecordedBecause(Mail mail, DmarcResult result) {
        if (result != DmarcResult.PASS) {
            return Optional.empty();
        }
        return mail.getMaybeSender().asOptional().map(sender -> sender.asString().toLowerCase(Locale.ROOT)).filter(addresses::contains)
            .map(sender -> "a report of this server's (from " + sender + ", DMARC pass): no reports about reports");
    }
}
