package io.jamesdmarc.model.evaluation.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.apache.james.jdkim.api.BodyHasher;
import org.apache.james.jdkim.exceptions.FailException;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.apache.james.jdkim.impl.BodyHasherImpl;
import org.apache.james.jdkim.impl.CompoundBodyHasher;
import org.apache.james.jdkim.impl.Message;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.MimeIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.io.ByteSource;

import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.evaluation.MessageHeaders;
import io.jamesdmarc.model.vocabulary.DkimResult;

/**
 * Verifies every DKIM-Signature of a message (RFC 6376) with jdkim, keys from our DNS resolver,
 * and reports each signature's own result, in header order (the most recent signature first).
 *
 * <p>Which failure gives which RFC 8601 result:
 * <ul>
 * <li>{@code pass}: the header signature and the body hash verify with a key of at least 1024 bits;
 * <li>{@code fail}: the header signature or the body hash does not verify (the message was altered);
 * <li>{@code neutral}: the signature cannot be processed: a syntax error, a missing tag, {@code i=}
 *     outside {@code d=}, From not signed, an algorithm jdkim cannot check (ed25519), an unknown
 *     canonicalization, or a message too malformed to parse;
 * <li>{@code permerror}: no usable key: no key record (NXDOMAIN or no TXT, RFC 6376 "no key for
 *     signature"), an invalid or revoked key, or one that does not apply to the signature;
 * <li>{@code temperror}: the key lookup failed for now (timeout, SERVFAIL): a later try may pass;
 * <li>{@code policy}: the signature is refused by local policy: expired ({@code x=}), dated in the
 *     future, rsa-sha1 or a key under 1024 bits (both forbidden by RFC 8301), or past the number of
 *     signatures checked per message.
 * </ul>
 *
 * <p>Thread-safe: one instance serves every spool thread; each message gets its own jdkim verifier.
 */
public final class DkimVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(DkimVerifier.class);

    public static final String DKIM_SIGNATURE = "DKIM-Signature";
    /** How many signatures of one message are verified: each costs a key lookup. */
    public static final int DEFAULT_MAX_SIGNATURES = 8;
    /** The smallest RSA key RFC 8301 lets a verifier accept. */
    static final int MIN_KEY_BITS = 1024;

    private final DnsKeyRecordRetriever keys;
    private final int maxSignatures;

    public DkimVerifier(DnsResolver dns) {
        this(dns, DEFAULT_MAX_SIGNATURES);
    }

    public DkimVerifier(DnsResolver dns, int maxSignatures) {
        if (maxSignatures < 1) {
            throw new IllegalArgumentException("at least one DKIM signature must be verified, got " + maxSignatures);
        }
        this.keys = new DnsKeyRecordRetriever(Objects.requireNonNull(dns, "dns"));
        this.maxSignatures = maxSignatures;
    }

    /**
     * One result per DKIM-Signature field of the message, empty when it has none.
     *
     * @param message the message as received (header and body, CRLF or LF line ends)
     * @throws IOException when the message cannot be read
     */
    public List<DkimSignatureResult> verify(ByteSource message) throws IOException {
        try {
            return verifyEach(message);
        } catch (MimeException | MimeIOException | RuntimeException e) {
            // hostile input must cost a DKIM result, never the message: each signature is reported unprocessed
            return unprocessed(message, e);
        }
    }

    private List<DkimSignatureResult> verifyEach(ByteSource message) throws IOException, MimeException {
        Message parsed;
        try (InputStream in = message.openBufferedStream()) {
            parsed = new Message(in);
        }
        try {
            List<String> fields = parsed.getFields(DKIM_SIGNATURE).stream().filter(Objects::nonNull).toList();
            if (fields.isEmpty()) {
                return List.of();
            }
            MessageSignatureVerifier verifier = new MessageSignatureVerifier(keys, maxSignatures);
            CompoundBodyHasher hasher = hashBody(parsed, verifier);
            // a field repeated word for word shares jdkim's one job, whose digest can be read once
            Map<String, DkimSignatureResult> byField = new HashMap<>();
            List<DkimSignatureResult> results = new ArrayList<>(fields.size());
            for (String field : fields) {
                results.add(byField.computeIfAbsent(field, f -> result(f, hasher, verifier)));
            }
            LOG.debug("DKIM: {}", results);
            return results;
        } finally {
            parsed.dispose();
        }
    }

    /** Checks every header signature (jdkim looks each key up), then hashes the body once for all. */
    private static CompoundBodyHasher hashBody(Message parsed, MessageSignatureVerifier verifier) throws IOException {
        BodyHasher prepared;
        try {
            prepared = verifier.newBodyHasher(parsed);
        } catch (FailException e) {
            // jdkim records each signature's failure and only declares this exception
            throw new IllegalStateException("jdkim failed outside any signature: " + e.getMessage(), e);
        }
        CompoundBodyHasher hasher = (CompoundBodyHasher) prepared;
        if (!hasher.getBodyHashJobs().isEmpty()) {
            InputStream body = parsed.getBodyInputStream();
            if (body == null) {
                throw new IOException("the message body cannot be read");
            }
            try (body; OutputStream out = hasher.getOutputStream()) {
                body.transferTo(out);
            }
        }
        return hasher;
    }

    private static DkimSignatureResult result(String field, CompoundBodyHasher hasher, MessageSignatureVerifier verifier) {
        SignatureTags tags = SignatureTags.parse(field.substring(field.indexOf(':') + 1));
        FailException failure = hasher.getSignatureExceptions().get(field);
        if (failure != null) {
            return result(tags, resultOf(failure), describe(failure));
        }
        BodyHasherImpl job = hasher.getBodyHashJobs().get(field);
        if (job == null) {
            return result(tags, DkimResult.NEUTRAL, "signature not processed");
        }
        if (!MessageDigest.isEqual(job.getSignatureRecord().getBodyHash(), job.getDigest())) {
            return result(tags, DkimResult.FAIL, "body hash did not verify");
        }
        if (tags.algorithm().equals("rsa-sha1")) {
            return result(tags, DkimResult.POLICY, "verified, but rsa-sha1 is not acceptable (RFC 8301)");
        }
        Optional<Integer> bits = verifier.keyBits(job.getSignatureRecord());
        if (bits.isPresent() && bits.get() < MIN_KEY_BITS) {
            return result(tags, DkimResult.POLICY, "verified, but a " + bits.get() + "-bit key is too short (RFC 8301)");
        }
        return new DkimSignatureResult(DkimResult.PASS, tags.domain(), tags.selector(), tags.algorithm(),
            tags.signaturePrefix(), Optional.empty());
    }

    private static DkimResult resultOf(FailException failure) {
        return switch (failure) {
            case TempFailException temporary -> DkimResult.TEMPERROR;
            case MessageSignatureVerifier.KeyUnusable keyProblem -> DkimResult.PERMERROR;
            case MessageSignatureVerifier.Uncheckable uncheckable -> DkimResult.NEUTRAL;
            case MessageSignatureVerifier.LimitReached limit -> DkimResult.POLICY;
            case PermFailException refused when refused.getCause() instanceof MessageSignatureVerifier.OutsideValidity
                -> DkimResult.POLICY;
            // jdkim attaches the parsed signature to failures after parsing: without it, the signature is unreadable
            case PermFailException unreadable when unreadable.getRelatedRecord() == null -> DkimResult.NEUTRAL;
            default -> DkimResult.FAIL;
        };
    }

    private static String describe(FailException failure) {
        if (failure.getCause() instanceof MessageSignatureVerifier.OutsideValidity outside) {
            return outside.getMessage();
        }
        return Objects.requireNonNullElse(failure.getMessage(), failure.getClass().getSimpleName());
    }

    private static DkimSignatureResult result(SignatureTags tags, DkimResult result, String why) {
        return new DkimSignatureResult(result, tags.domain(), tags.selector(), tags.algorithm(), tags.signaturePrefix(),
            Optional.of(why));
    }

    /**
     * jdkim's parser refused the message (over 1000 header fields, a line over 10,000 characters)
     * or failed on it: every signature is neutral, "could not be processed" (RFC 8601).
     */
    private static List<DkimSignatureResult> unprocessed(ByteSource message, Exception e) throws IOException {
        LOG.info("DKIM not verified: the message cannot be processed: {}", e.toString());
        List<DkimSignatureResult> results = new ArrayList<>();
        for (String value : MessageHeaders.read(message).values(DKIM_SIGNATURE)) {
            results.add(result(SignatureTags.parse(value), DkimResult.NEUTRAL, "message cannot be processed: " + e.getMessage()));
        }
        return results;
    }
}
