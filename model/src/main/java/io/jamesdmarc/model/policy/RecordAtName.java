package io.jamesdmarc.model.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.jamesdmarc.model.dns.DnsAnswer;
import io.jamesdmarc.model.dns.DnsResolver;

/**
 * The DMARC Policy Record published for one domain, per steps 1-2 of the DNS Tree Walk
 * (RFC 9989 section 4.10): TXT records not starting with {@code v=DMARC1} are discarded;
 * several DMARC records for one name are all discarded.
 *
 * @param record the one record, when there is exactly one
 * @param temporaryError set when the DNS could not answer; then nothing is known
 * @param note what was discarded, when something was
 */
record RecordAtName(String domain, Optional<DmarcRecord> record, Optional<String> temporaryError, Optional<String> note) {

    static final String PREFIX = "_dmarc.";

    static RecordAtName lookup(DnsResolver dns, String domain) {
        DnsAnswer answer = dns.txt(PREFIX + domain);
        if (answer.isTemporaryFailure()) {
            return new RecordAtName(domain, Optional.empty(),
                Optional.of("TXT " + PREFIX + domain + ": " + answer.detail()), Optional.empty());
        }
        List<DmarcRecord> records = new ArrayList<>();
        for (String text : answer.records()) {
            try {
                records.add(DmarcRecord.parse(text));
            } catch (DmarcRecordException notDmarc) {
                // another kind of TXT record at the name: not ours to read
            }
        }
        if (records.size() > 1) {
            return new RecordAtName(domain, Optional.empty(), Optional.empty(),
                Optional.of(records.size() + " DMARC records at " + PREFIX + domain + ": all discarded"));
        }
        return new RecordAtName(domain, records.stream().findFirst(), Optional.empty(), Optional.empty());
    }
}
