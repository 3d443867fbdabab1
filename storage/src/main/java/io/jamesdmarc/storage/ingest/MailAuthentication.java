package io.jamesdmarc.storage.ingest;

import java.util.Objects;
import java.util.Optional;

/**
 * How a received report mail authenticated, as James saw it: a report whose mail did not pass DMARC
 * could have been forged. Results are the usual tokens ({@code pass}, {@code fail}, {@code none}...);
 * {@code authenticationResults} is an Authentication-Results header added by a host James trusts.
 */
public record MailAuthentication(Optional<String> dkimResult,
                                 Optional<String> dkimDomain,
                                 Optional<String> spfResult,
                                 Optional<String> spfDomain,
                                 Optional<String> dmarcResult,
                                 Optional<String> authenticationResults) {

    /** Nothing known: an imported file, or a mail nobody checked. */
    public static final MailAuthentication UNKNOWN = new MailAuthentication(Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty());

    public MailAuthentication {
        Objects.requireNonNull(dkimResult, "dkimResult");
        Objects.requireNonNull(dkimDomain, "dkimDomain");
        Objects.requireNonNull(spfResult, "spfResult");
        Objects.requireNonNull(spfDomain, "spfDomain");
        Objects.requireNonNull(dmarcResult, "dmarcResult");
        Objects.requireNonNull(authenticationResults, "authenticationResults");
    }
}
