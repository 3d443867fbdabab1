package io.jamesdmarc.model.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.jamesdmarc.model.vocabulary.Alignment;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.FailureOption;
import io.jamesdmarc.model.vocabulary.PolicyAction;
import io.jamesdmarc.model.vocabulary.PsdFlag;
import io.jamesdmarc.model.vocabulary.Vocabulary;
import io.jamesdmarc.model.vocabulary.YesNo;

/**
 * A DMARC Policy Record (RFC 9989 section 4.7) exactly as published, with every tag read.
 *
 * <p>Reading is tolerant as section 4.8 asks: white space around separators, any case in tag
 * names and values (but {@code DMARC1}), a trailing {@code ;}, unknown tags (kept, ignored).
 * A bad value is kept as an unknown {@link Enumerated} and the default applies, except for the
 * policy tags, where {@link #hasValidPolicy()} tells the evaluator to apply RFC 9989's rule
 * (section 4.10.1): a record without a valid {@code p}, or with an invalid {@code sp} or
 * {@code np}, counts as {@code p=none} when it has a well-formed {@code rua}, else as no policy.
 * A tag given twice with different values is treated as invalid: DMARC uses DKIM's tag-list
 * syntax, where a repeated tag makes the list invalid (RFC 6376 section 3.2). Everything that
 * was set aside is listed in {@link #problems()}, for logs and the aggregate report's error.
 *
 * @param text the record as published (a TXT record's strings joined)
 * @param tags every tag after {@code v}, name in lower case, in published order (first value when repeated)
 * @param p the policy for the domain itself; empty when absent
 * @param sp the policy for existing subdomains; empty when absent
 * @param np the policy for non-existent subdomains; empty when absent
 * @param adkim DKIM alignment mode; empty when absent (relaxed applies)
 * @param aspf SPF alignment mode; empty when absent (relaxed applies)
 * @param t test mode; empty when absent (n applies)
 * @param psd public suffix domain flag; empty when absent (u applies)
 * @param fo the {@code fo} tag as published
 * @param failureOptions the failure reporting options in force ({@code 0} when fo is absent or invalid)
 * @param rua aggregate report URIs
 * @param ruf failure report URIs
 * @param pct the RFC 7489 sampling rate, historic in RFC 9989: kept for reports, never applied
 * @param problems what was ignored or set aside, one sentence each
 */
public record DmarcRecord(String text,
                          Map<String, String> tags,
                          Optional<Enumerated<PolicyAction>> p,
                          Optional<Enumerated<PolicyAction>> sp,
                          Optional<Enumerated<PolicyAction>> np,
                          Optional<Enumerated<Alignment>> adkim,
                          Optional<Enumerated<Alignment>> aspf,
                          Optional<Enumerated<YesNo>> t,
                          Optional<Enumerated<PsdFlag>> psd,
                          Optional<String> fo,
                          Set<FailureOption> failureOptions,
                          List<ReportUri> rua,
                          List<ReportUri> ruf,
                          Optional<Integer> pct,
                          List<String> problems) {

    /** The only version there is; case-sensitive. */
    public static final String VERSION = "DMARC1";

    private static final Set<String> HISTORIC_TAGS = Set.of("pct", "rf", "ri");
    private static final Set<String> KNOWN_TAGS = Set.of("p", "sp", "np", "adkim", "aspf", "fo", "rua", "ruf", "t", "psd",
        "pct", "rf", "ri");
    private static final int ABBREVIATE_AT = 80;

    public DmarcRecord {
        Objects.requireNonNull(text, "text");
        tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        Objects.requireNonNull(p, "p");
        Objects.requireNonNull(sp, "sp");
        Objects.requireNonNull(np, "np");
        Objects.requireNonNull(adkim, "adkim");
        Objects.requireNonNull(aspf, "aspf");
        Objects.requireNonNull(t, "t");
        Objects.requireNonNull(psd, "psd");
        Objects.requireNonNull(fo, "fo");
        failureOptions = Collections.unmodifiableSet(failureOptions.isEmpty()
            ? EnumSet.noneOf(FailureOption.class) : EnumSet.copyOf(failureOptions));
        rua = List.copyOf(rua);
        ruf = List.copyOf(ruf);
        Objects.requireNonNull(pct, "pct");
        problems = List.copyOf(problems);
    }

    /**
     * Reads a TXT record's text.
     *
     * @throws DmarcRecordException when {@code v=DMARC1} is not the first tag: the text is not a
     *     DMARC record at all and must be ignored entirely
     */
    public static DmarcRecord parse(String text) throws DmarcRecordException {
        if (text == null) {
            throw new DmarcRecordException("no text");
        }
        String[] parts = text.split(";", -1);
        String first = parts[0].strip();
        int equals = first.indexOf('=');
        if (equals < 0 || !first.substring(0, equals).strip().equalsIgnoreCase("v")) {
            throw new DmarcRecordException("v=DMARC1 is not the first tag of '" + abbreviate(text) + "'");
        }
        String version = first.substring(equals + 1).strip();
        if (!version.equals(VERSION)) {
            throw new DmarcRecordException("version '" + abbreviate(version) + "' is not DMARC1 (case-sensitive)");
        }
        return new Reader(text).read(parts);
    }

    /** Whether {@code text} is a DMARC record, i.e. starts with {@code v=DMARC1}. */
    public static boolean isDmarcRecord(String text) {
        try {
            parse(text);
            return true;
        } catch (DmarcRecordException e) {
            return false;
        }
    }

    /** Whether p is present and valid and sp, np are absent or valid (RFC 9989 section 4.10.1). */
    public boolean hasValidPolicy() {
        return p.map(Enumerated::isKnown).orElse(false)
            && sp.map(Enumerated::isKnown).orElse(true)
            && np.map(Enumerated::isKnown).orElse(true);
    }

    /** Whether {@code rua} has at least one well-formed URI (the test of RFC 9989 section 4.10.1). */
    public boolean hasWellFormedRua() {
        return rua.stream().anyMatch(ReportUri::wellFormed);
    }

    /** The valid p value. */
    public Optional<PolicyAction> policy() {
        return p.flatMap(Enumerated::value);
    }

    /** The valid sp value. */
    public Optional<PolicyAction> subdomainPolicy() {
        return sp.flatMap(Enumerated::value);
    }

    /** The valid np value. */
    public Optional<PolicyAction> nonExistentSubdomainPolicy() {
        return np.flatMap(Enumerated::value);
    }

    /** The DKIM alignment mode in force (relaxed unless a valid adkim says otherwise). */
    public Alignment dkimAlignment() {
        return adkim.flatMap(Enumerated::value).orElse(Alignment.RELAXED);
    }

    /** The SPF alignment mode in force. */
    public Alignment spfAlignment() {
        return aspf.flatMap(Enumerated::value).orElse(Alignment.RELAXED);
    }

    /** Whether {@code t=y}: the owner tests its policy, receivers apply one level lower. */
    public boolean testing() {
        return t.map(value -> value.is(YesNo.YES)).orElse(false);
    }

    /** The psd flag in force ({@code u} unless a valid psd says otherwise). */
    public PsdFlag psdFlag() {
        return psd.flatMap(Enumerated::value).orElse(PsdFlag.UNKNOWN);
    }

    private static String abbreviate(String text) {
        return text.length() <= ABBREVIATE_AT ? text : text.substring(0, ABBREVIATE_AT) + "...";
    }

    /** Reads the tags after v, one record at a time. */
    private static final class Reader {
        private final String text;
        private final Map<String, List<String>> values = new LinkedHashMap<>();
        private final List<String> problems = new ArrayList<>();

        Reader(String text) {
            this.text = text;
        }

        DmarcRecord read(String[] parts) {
            for (int i = 1; i < parts.length; i++) {
                collect(parts[i].strip());
            }
            Map<String, String> tags = new LinkedHashMap<>();
            values.forEach((name, list) -> tags.put(name, list.getFirst()));
            values.keySet().stream().filter(name -> !KNOWN_TAGS.contains(name))
                .forEach(name -> problems.add("unknown tag '" + name + "' ignored"));
            values.keySet().stream().filter(HISTORIC_TAGS::contains)
                .forEach(name -> problems.add("tag '" + name + "' is historic (RFC 9989): kept, not applied"));

            Optional<String> fo = single("fo");
            return new DmarcRecord(text, tags,
                enumerated("p", PolicyAction.class),
                enumerated("sp", PolicyAction.class),
                enumerated("np", PolicyAction.class),
                enumerated("adkim", Alignment.class),
                enumerated("aspf", Alignment.class),
                enumerated("t", YesNo.class),
                enumerated("psd", PsdFlag.class),
                fo,
                failureOptions(fo),
                uris("rua"),
                uris("ruf"),
                pct(),
                problems);
        }

        private void collect(String part) {
            if (part.isEmpty()) {
                return; // a trailing ';' or an empty tag between two
            }
            int equals = part.indexOf('=');
            if (equals <= 0) {
                problems.add("'" + abbreviate(part) + "' is not a tag=value pair: ignored");
                return;
            }
            String name = part.substring(0, equals).strip().toLowerCase(Locale.ROOT);
            String value = part.substring(equals + 1).strip();
            if (!name.chars().allMatch(c -> c >= 'a' && c <= 'z') || name.isEmpty()) {
                problems.add("'" + abbreviate(name) + "' is not a tag name: ignored");
            } else if (name.equals("v")) {
                problems.add("v repeated after the first tag: ignored");
            } else if (value.isEmpty()) {
                problems.add("tag '" + name + "' has no value: ignored");
            } else {
                values.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
            }
        }

        /** The tag's value; empty when absent or repeated with different values (then a problem is noted). */
        private Optional<String> single(String name) {
            List<String> list = values.get(name);
            if (list == null) {
                return Optional.empty();
            }
            if (list.stream().map(v -> v.toLowerCase(Locale.ROOT)).distinct().count() > 1) {
                problems.add("tag '" + name + "' appears " + list.size() + " times with different values: invalid");
                return Optional.empty();
            }
            if (list.size() > 1) {
                problems.add("tag '" + name + "' repeated with the same value");
            }
            return Optional.of(list.getFirst());
        }

        private <E extends Enum<E> & Vocabulary> Optional<Enumerated<E>> enumerated(String name, Class<E> type) {
            List<String> list = values.get(name);
            if (list == null) {
                return Optional.empty();
            }
            Optional<String> value = single(name);
            if (value.isEmpty()) {
                return Optional.of(new Enumerated<>(String.join(" | ", list), null)); // conflicting: invalid
            }
            Enumerated<E> parsed = Enumerated.parse(type, value.get());
            if (!parsed.isKnown()) {
                problems.add(name + "=" + abbreviate(value.get()) + " is not a valid value: " + describeDefault(name));
            }
            return Optional.of(parsed);
        }

        private static String describeDefault(String name) {
            return switch (name) {
                case "p", "sp", "np" -> "the record has no valid policy";
                case "adkim", "aspf" -> "relaxed applies";
                case "t" -> "n applies";
                case "psd" -> "u applies";
                default -> "ignored";
            };
        }

        private Set<FailureOption> failureOptions(Optional<String> fo) {
            if (fo.isEmpty()) {
                return EnumSet.of(FailureOption.ALL_FAIL);
            }
            Set<FailureOption> options = EnumSet.noneOf(FailureOption.class);
            for (String token : fo.get().split(":", -1)) {
                Enumerated<FailureOption> option = Enumerated.parse(FailureOption.class, token);
                if (!option.isKnown()) {
                    problems.add("fo=" + abbreviate(fo.get()) + " has an invalid option '" + abbreviate(token.strip())
                        + "': fo=0 applies");
                    return EnumSet.of(FailureOption.ALL_FAIL);
                }
                options.add(option.known());
            }
            if (options.contains(FailureOption.ALL_FAIL) && options.contains(FailureOption.ANY_FAIL)) {
                problems.add("fo=" + fo.get() + " has both 0 and 1, which exclude each other: fo=0 applies");
                return EnumSet.of(FailureOption.ALL_FAIL);
            }
            return options;
        }

        private List<ReportUri> uris(String name) {
            Optional<String> value = single(name);
            if (value.isEmpty()) {
                return List.of();
            }
            List<ReportUri> uris = ReportUri.parseList(value.get());
            for (ReportUri uri : uris) {
                uri.ignoredBecause().ifPresent(reason -> problems.add(name + " URI '" + abbreviate(uri.text())
                    + "' ignored: " + reason));
                uri.legacySizeLimit().ifPresent(size -> problems.add(name + " URI '" + abbreviate(uri.text())
                    + "' has an obsolete size limit (RFC 9989): ignored"));
            }
            if (uris.isEmpty()) {
                problems.add("tag '" + name + "' lists no URI");
            }
            return uris;
        }

        private Optional<Integer> pct() {
            Optional<String> value = single("pct");
            if (value.isEmpty()) {
                return Optional.empty();
            }
            try {
                int pct = Integer.parseInt(value.get());
                if (pct >= 0 && pct <= 100) {
                    return Optional.of(pct);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problems.add("pct=" + abbreviate(value.get()) + " is not an integer from 0 to 100");
            return Optional.empty();
        }
    }
}
