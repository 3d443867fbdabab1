package io.jamesdmarc.model.evaluation.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.james.jspf.core.DNSRequest;
import org.apache.james.jspf.core.DNSService;
import org.apache.james.jspf.core.exceptions.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.jamesdmarc.model.dns.DnsAnswer;
import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.RecordType;

/**
 * jSPF's DNS over our resolver: its servers, timeout and cache. A temporary DNS failure is jSPF's
 * {@link TimeoutException}, which jSPF turns into temperror; no record (NXDOMAIN, no data) is
 * {@code null}, as jSPF's own dnsjava service answers. The SPF RR type is never asked: RFC 7208
 * section 3.1 retired it. Thread-safe.
 */
final class SpfDnsService implements DNSService {
    private static final Logger LOG = LoggerFactory.getLogger(SpfDnsService.class);
    /** jSPF's default limit on the MX and PTR records its mechanisms follow (RFC 7208 section 4.6.4). */
    private static final int DEFAULT_RECORD_LIMIT = 10;

    private final DnsResolver dns;
    private volatile int recordLimit = DEFAULT_RECORD_LIMIT;

    SpfDnsService(DnsResolver dns) {
        this.dns = dns;
    }

    @Override
    public List<String> getRecords(DNSRequest request) throws TimeoutException {
        RecordType type = switch (request.getRecordType()) {
            case DNSRequest.A -> RecordType.A;
            case DNSRequest.AAAA -> RecordType.AAAA;
            case DNSRequest.MX -> RecordType.MX;
            case DNSRequest.PTR -> RecordType.PTR;
            case DNSRequest.TXT -> RecordType.TXT;
            default -> null;
        };
        if (type == null) {
            return null;
        }
        DnsAnswer answer = dns.lookup(request.getHostname(), type);
        return switch (answer.status()) {
            case FOUND -> presentation(type, answer.records());
            case TEMPFAIL -> throw new TimeoutException(answer.name() + " " + type + ": " + answer.detail());
            case NXDOMAIN, NO_DATA, INVALID_NAME -> null;
        };
    }

    /** MX answers are "preference target." from our resolver: jSPF wants the target; PTR targets without the root dot. */
    private static List<String> presentation(RecordType type, List<String> records) {
        if (type != RecordType.MX && type != RecordType.PTR) {
            return records;
        }
        List<String> names = new ArrayList<>(records.size());
        for (String record : records) {
            String name = type == RecordType.MX ? record.substring(record.indexOf(' ') + 1).strip() : record;
            names.add(type == RecordType.PTR && name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
        }
        return names;
    }

    @Override
    public CompletionStage<List<String>> getRecordsAsync(DNSRequest request) {
        try {
            return CompletableFuture.completedFuture(getRecords(request));
        } catch (TimeoutException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Only the {@code %{r}} macro of explanations asks: "unknown" is what RFC 7208 section 7.3 allows. */
    @Override
    public List<String> getLocalDomainNames() {
        return List.of();
    }

    /** Our resolver's settings rule the timeout. */
    @Override
    public void setTimeOut(int timeOut) {
        LOG.debug("jSPF asked for a {} s DNS timeout: the resolver's own applies", timeOut);
    }

    @Override
    public int getRecordLimit() {
        return recordLimit;
    }

    @Override
    public void setRecordLimit(int recordLimit) {
        this.recordLimit = recordLimit;
    }
}
