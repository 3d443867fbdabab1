package io.jamesdmarc.model.evaluation.auth;

import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.PublicKeyRecord;
import org.apache.james.jdkim.api.PublicKeyRecordRetriever;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.exceptions.PermFailException;
import org.apache.james.jdkim.exceptions.TempFailException;
import org.apache.james.jdkim.tagvalue.SignatureRecordImpl;

/**
 * jdkim's verifier for one message, telling apart why each signature failed.
 *
 * <p>jdkim reports every failure as a PERMFAIL or TEMPFAIL exception; the hooks below raise
 * exceptions of our own types at each stage, so that {@link DkimVerifier} maps them to RFC 8601
 * results without reading messages: the signature's validity period (policy), an algorithm or
 * canonicalization jdkim cannot check (neutral), the key lookup (permerror, or temperror through
 * {@link DnsKeyRecordRetriever}), the number of signatures checked (policy). It also lets a
 * signer's clock run a little ahead, where jdkim 0.5 refuses any {@code t=} in the future.
 *
 * <p>Not thread-safe (jdkim keeps results in the instance): one per message.
 */
final class MessageSignatureVerifier extends DKIMVerifier {
    /** What jdkim can check (RFC 8463's ed25519 it cannot). rsa-sha1 is checked, then refused (RFC 8301). */
    static final Set<String> CHECKABLE_ALGORITHMS = Set.of("rsa-sha256", "rsa-sha1");
    private static final Set<String> CANONICALIZATIONS = Set.of(SignatureRecord.SIMPLE, SignatureRecord.RELAXED);
    /** How far ahead of ours a signer's clock may be. */
    static final long CLOCK_SKEW_SECONDS = 300;

    private final int maxSignatures;
    private final Map<SignatureRecord, Integer> keyBits = new IdentityHashMap<>();
    private final Set<String> looked = new HashSet<>();

    MessageSignatureVerifier(PublicKeyRecordRetriever keys, int maxSignatures) {
        super(keys);
        this.maxSignatures = maxSignatures;
    }

    @Override
    public SignatureRecord newSignatureRecord(String record) {
        // jdkim reads the system clock itself: the same clock here
        long now = System.currentTimeMillis() / 1000;
        SignatureTags tags = SignatureTags.parse(record);
        Optional<Long> expires = tags.number("x");
        if (expires.isPresent() && expires.get() < now) {
            throw new OutsideValidity("signature expired");
        }
        Optional<Long> signed = tags.number("t");
        if (signed.isPresent() && signed.get() > now + CLOCK_SKEW_SECONDS) {
            throw new OutsideValidity("signature timestamp in the future");
        }
        return new SkewTolerantSignatureRecord(record, now);
    }

    @Override
    public PublicKeyRecord publicRecordLookup(SignatureRecord sign) throws TempFailException, PermFailException {
        String algorithm = (sign.getHashKeyType() + "-" + sign.getHashMethod()).toLowerCase(Locale.ROOT);
        if (!CHECKABLE_ALGORITHMS.contains(algorithm)) {
            throw new Uncheckable("unsupported algorithm " + algorithm, sign);
        }
        if (!CANONICALIZATIONS.contains(sign.getHeaderCanonicalisationMethod())
            || !CANONICALIZATIONS.contains(sign.getBodyCanonicalisationMethod())) {
            throw new Uncheckable("unsupported canonicalization " + sign.getHeaderCanonicalisationMethod() + "/"
                + sign.getBodyCanonicalisationMethod(), sign);
        }
        // each signature costs a key lookup: a message with hundreds would hold a spool thread for minutes
        // a field repeated word for word is one signature: jdkim gives both copies one result
        if (looked.add(sign.toString()) && looked.size() > maxSignatures) {
            throw new LimitReached("not verified: more than " + maxSignatures + " signatures", sign);
        }
        PublicKeyRecord key;
        try {
            key = super.publicRecordLookup(sign);
        } catch (TempFailException e) {
            throw e;
        } catch (PermFailException e) {
            throw new KeyUnusable(e.getMessage(), sign, e);
        }
        try {
            PublicKey publicKey = key.getPublicKey();
            if (publicKey instanceof RSAPublicKey rsa) {
                keyBits.put(sign, rsa.getModulus().bitLength());
            }
        } catch (IllegalStateException e) {
            throw new KeyUnusable("invalid public key: " + e.getMessage(), sign, e);
        }
        return key;
    }

    /** The size of the key that verified {@code sign}, once looked up. */
    Optional<Integer> keyBits(SignatureRecord sign) {
        return Optional.ofNullable(keyBits.get(sign));
    }

    /** jdkim rejects any t= ahead of its clock; a clock skew within {@link #CLOCK_SKEW_SECONDS} is normal. */
    private static final class SkewTolerantSignatureRecord extends SignatureRecordImpl {
        private final long now;

        SkewTolerantSignatureRecord(String record, long now) {
            super(record);
            this.now = now;
        }

        @Override
        public Long getSignatureTimestamp() {
            Long signed = super.getSignatureTimestamp();
            return signed != null && signed > now ? Long.valueOf(now) : signed;
        }
    }

    /** Outside its validity period (x=, t=): refused by local policy (RFC 6376 section 3.5 lets verifiers). */
    static final class OutsideValidity extends IllegalStateException {
        OutsideValidity(String message) {
            super(message);
        }
    }

    /** An algorithm or canonicalization jdkim cannot check: the signature cannot be processed. */
    static final class Uncheckable extends PermFailException {
        Uncheckable(String message, SignatureRecord sign) {
            super(message, sign);
        }
    }

    /** Past the number of signatures verified per message. */
    static final class LimitReached extends PermFailException {
        LimitReached(String message, SignatureRecord sign) {
            super(message, sign);
        }
    }

    /** No key, an invalid or revoked key, or a key that does not apply to the signature. */
    static final class KeyUnusable extends PermFailException {
        KeyUnusable(String message, SignatureRecord sign, Exception cause) {
            super(message, sign, cause);
        }
    }
}
