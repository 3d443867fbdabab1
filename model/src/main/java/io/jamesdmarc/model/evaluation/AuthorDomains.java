package io.jamesdmarc.model.evaluation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.jamesdmarc.model.dns.DomainNames;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/**
 * The Author Domains of a message: the domains of the RFC5322.From addresses (RFC 9989 section
 * 5.3.1), as A-labels, each once.
 *
 * @param addresses every From address, as written
 * @param domains the distinct domains, in order of appearance
 * @param problems why some Author Domain may be missing (no From, an unparseable From, an
 *     address without a domain): the evaluation of the others is then incomplete. A repeated
 *     From field is not a problem here: its domains are Author Domains like any others
 */
public record AuthorDomains(List<String> addresses, List<String> domains, List<String> problems) {

    public AuthorDomains {
        addresses = List.copyOf(addresses);
        domains = List.copyOf(domains);
        problems = List.copyOf(problems);
    }

    /** Reads the value of each From header field of a message. */
    public static AuthorDomains extract(List<String> fromHeaders) {
        List<String> addresses = new ArrayList<>();
        Set<String> domains = new LinkedHashSet<>();
        List<String> problems = new ArrayList<>();
        if (fromHeaders.isEmpty()) {
            problems.add("no From header field");
        }
        for (String header : fromHeaders) {
            String unfolded = header == null ? "" : header.replaceAll("\\r?\\n(?=[ \\t])", "").strip();
            InternetAddress[] parsed;
            try {
                parsed = InternetAddress.parseHeader(unfolded, false);
            } catch (AddressException e) {
                problems.add("unparseable From '" + abbreviate(unfolded) + "': " + e.getMessage());
                continue;
            }
            List<InternetAddress> mailboxes = new ArrayList<>();
            for (InternetAddress address : parsed) {
                collectMailboxes(address, mailboxes, problems);
            }
            if (mailboxes.isEmpty()) {
                problems.add("no address in From '" + abbreviate(unfolded) + "'");
            }
            for (InternetAddress mailbox : mailboxes) {
                String address = mailbox.getAddress();
                addresses.add(address);
                if (!plausibleMailbox(address)) {
                    // lenient parsing hands back what it could not read (an unclosed '<', two '@')
                    problems.add("malformed From address '" + abbreviate(address) + "'");
                    continue;
                }
                Optional<String> domain = domainOf(address);
                if (domain.isPresent()) {
                    domains.add(domain.get());
                } else {
                    problems.add("From address without a usable domain: '" + abbreviate(address) + "'");
                }
            }
        }
        return new AuthorDomains(addresses, new ArrayList<>(domains), problems);
    }

    /** Whether exactly one Author Domain was found and nothing was wrong. */
    public boolean single() {
        return problems.isEmpty() && domains.size() == 1;
    }

    private static void collectMailboxes(InternetAddress address, List<InternetAddress> mailboxes, List<String> problems) {
        if (!address.isGroup()) {
            mailboxes.add(address);
            return;
        }
        try {
            InternetAddress[] members = address.getGroup(false);
            if (members != null) {
                mailboxes.addAll(List.of(members));
            }
        } catch (AddressException e) {
            problems.add("unparseable group in From: " + e.getMessage());
        }
    }

    private static boolean plausibleMailbox(String address) {
        if (address == null) {
            return false;
        }
        int at = address.lastIndexOf('@');
        String local = at < 0 ? address : address.substring(0, at);
        if (local.length() >= 2 && local.startsWith("\"") && local.endsWith("\"")) {
            return true;
        }
        return local.chars().noneMatch(c -> Character.isWhitespace(c) || "<>()@,;:\"[]\\".indexOf(c) >= 0)
            && address.substring(at + 1).chars().noneMatch(c -> Character.isWhitespace(c) || "<>()@,;:\"\\".indexOf(c) >= 0);
    }

    private static Optional<String> domainOf(String address) {
        if (address == null) {
            return Optional.empty();
        }
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return Optional.empty();
        }
        return DomainNames.normalize(address.substring(at + 1));
    }

    private static String abbreviate(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "...";
    }
}
