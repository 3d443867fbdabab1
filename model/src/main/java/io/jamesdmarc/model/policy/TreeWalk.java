package io.jamesdmarc.model.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DomainNames;
import io.jamesdmarc.model.vocabulary.PsdFlag;

/**
 * The DNS Tree Walk of RFC 9989 section 4.10: from a domain up to its top-level domain, at most
 * eight queries, stopping at a record with {@code psd=y} or {@code psd=n}.
 *
 * <p>The first query is for the domain itself; a name of more than eight labels then jumps to
 * its last seven, so that {@code a.b.c.d.e.f.g.h.i.j.mail.example.com} costs eight queries, not
 * thirteen; each next query drops one label.
 */
public final class TreeWalk {
    /** The most labels a target after the first may have (step 4). */
    static final int SHORTENED_LABELS = 7;

    private final DnsResolver dns;

    public TreeWalk(DnsResolver dns) {
        this.dns = Objects.requireNonNull(dns, "dns");
    }

    /** The names the walk from {@code start} queries when nothing stops it, in order. */
    public static List<String> targets(String start) {
        List<String> targets = new ArrayList<>();
        targets.add(start);
        int labels = DomainNames.labelCount(start);
        int next = labels > SHORTENED_LABELS + 1 ? SHORTENED_LABELS : labels - 1;
        for (int count = next; count >= 1; count--) {
            targets.add(DomainNames.lastLabels(start, count));
        }
        return targets;
    }

    /** Walks up from {@code start} (a normalized domain). */
    public Result walk(String start) {
        List<FoundRecord> found = new ArrayList<>();
        List<String> queried = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String target : targets(start)) {
            queried.add(RecordAtName.PREFIX + target);
            RecordAtName atName = RecordAtName.lookup(dns, target);
            atName.note().ifPresent(notes::add);
            if (atName.temporaryError().isPresent()) {
                return new Result(start, found, queried, notes, atName.temporaryError());
            }
            if (atName.record().isPresent()) {
                DmarcRecord record = atName.record().get();
                found.add(new FoundRecord(target, record));
                if (record.psdFlag() != PsdFlag.UNKNOWN) {
                    break; // step 2/6: psd=y or psd=n stops the walk
                }
            }
        }
        return new Result(start, found, queried, notes, Optional.empty());
    }

    /**
     * What a walk found.
     *
     * @param start where the walk started
     * @param found the records found, from the longest name to the shortest
     * @param queried the names asked for, in order
     * @param notes what was discarded on the way
     * @param temporaryError the DNS failure that stopped the walk, if one did
     */
    public record Result(String start, List<FoundRecord> found, List<String> queried, List<String> notes,
                         Optional<String> temporaryError) {
        public Result {
            Objects.requireNonNull(start, "start");
            found = List.copyOf(found);
            queried = List.copyOf(queried);
            notes = List.copyOf(notes);
            Objects.requireNonNull(temporaryError, "temporaryError");
        }

        /**
         * The Organizational Domain of {@code start} (RFC 9989 section 4.10.2): going from the
         * longest name to the shortest, a record with {@code psd=n} is it; a record with
         * {@code psd=y}, other than the start's own, puts it one label below; otherwise the record
         * with the fewest labels is it; with no record at all, the start is its own.
         */
        public OrganizationalDomainLookup organizationalDomain() {
            if (temporaryError.isPresent()) {
                return OrganizationalDomainLookup.failed(start, temporaryError.get());
            }
            for (FoundRecord candidate : found) {
                PsdFlag psd = candidate.record().psdFlag();
                if (psd == PsdFlag.NO) {
                    return OrganizationalDomainLookup.found(start, candidate.domain());
                }
                if (psd == PsdFlag.YES && !candidate.domain().equals(start)) {
                    String oneBelow = DomainNames.lastLabels(start, DomainNames.labelCount(candidate.domain()) + 1);
                    return OrganizationalDomainLookup.found(start, oneBelow);
                }
            }
            return OrganizationalDomainLookup.found(start, found.isEmpty() ? start : found.getLast().domain());
        }

        /** The record found for exactly {@code domain}, if any. */
        public Optional<DmarcRecord> recordFor(String domain) {
            return found.stream().filter(f -> f.domain().equals(domain)).map(FoundRecord::record).findFirst();
        }
    }
}
