package io.jamesdmarc.storage.outbound;

import java.util.List;

import io.jamesdmarc.model.destination.ExternalDestinationVerifier;
import io.jamesdmarc.model.destination.ReportDestination;
import io.jamesdmarc.model.destination.ReportKind;
import io.jamesdmarc.model.policy.ReportUri;

/** Where the aggregate report of a policy domain may go: each {@code rua} URI with its verdict. */
@FunctionalInterface
public interface ReportDestinations {

    /**
     * @param rua the URIs as the policy record published them
     */
    List<ReportDestination> verify(String policyDomain, List<String> rua);

    /** RFC 9990's external destination verification, through {@code _report._dmarc} TXT records. */
    static ReportDestinations verifiedBy(ExternalDestinationVerifier verifier) {
        return (policyDomain, rua) -> rua.stream().map(ReportUri::parse)
            .map(uri -> verifier.verify(policyDomain, uri, ReportKind.AGGREGATE)).toList();
    }
}
