package io.jamesdmarc.model.evaluation;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What DMARC evaluates: the message's From header fields and the authentication results.
 *
 * @param fromHeaders the value of each RFC5322.From header field, as found (folded or not)
 * @param spf the SPF result, when SPF was checked
 * @param dkim every DKIM signature checked, whatever its result
 */
public record DmarcInputs(List<String> fromHeaders, Optional<SpfCheck> spf, List<DkimCheck> dkim) {
    public DmarcInputs {
        fromHeaders = List.copyOf(fromHeaders);
        Objects.requireNonNull(spf, "spf");
        dkim = List.copyOf(dkim);
    }

    /** One From header field, an SPF result and DKIM results. */
    public static DmarcInputs of(String fromHeader, SpfCheck spf, DkimCheck... dkim) {
        return new DmarcInputs(List.of(fromHeader), Optional.of(spf), Arrays.asList(dkim));
    }
}
