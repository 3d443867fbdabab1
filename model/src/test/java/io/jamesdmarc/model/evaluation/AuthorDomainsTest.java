package io.jamesdmarc.model.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class AuthorDomainsTest {

    @Test
    void readsDisplayNamesCommentsEncodedWordsAndFolding() {
        AuthorDomains authors = AuthorDomains.extract(List.of(
            "\"Doe, J.\" <j.doe@Mail.Example.COM> (the boss),\r\n =?utf-8?q?Z=C3=BCrich?= <z@example.org>"));

        assertThat(authors.addresses()).containsExactly("j.doe@Mail.Example.COM", "z@example.org");
        assertThat(authors.domains()).containsExactly("mail.example.com", "example.org");
        assertThat(authors.problems()).isEmpty();
        assertThat(authors.single()).isFalse();
    }

    @Test
    void oneDomainInSeveralAddressesIsOneAuthorDomain() {
        AuthorDomains authors = AuthorDomains.extract(List.of("a@example.com, b@EXAMPLE.com."));

        assertThat(authors.domains()).containsExactly("example.com");
        assertThat(authors.single()).isTrue();
    }

    @Test
    void unquotedDotsInDisplayNamesAreTolerated() {
        assertThat(AuthorDomains.extract(List.of("J. Doe <j@example.com>")).single()).isTrue();
    }

    @Test
    void groupsContributeTheirMembers() {
        AuthorDomains authors = AuthorDomains.extract(List.of("Team: a@example.com, b@example.net;"));

        assertThat(authors.domains()).containsExactly("example.com", "example.net");
    }

    @Test
    void convertsUnicodeDomainsToALabels() {
        assertThat(AuthorDomains.extract(List.of("info@bücher.example")).domains()).containsExactly("xn--bcher-kva.example");
    }

    @Test
    void namesEachProblem() {
        assertThat(AuthorDomains.extract(List.of()).problems()).containsExactly("no From header field");
        assertThat(AuthorDomains.extract(List.of("undisclosed-recipients:;")).problems())
            .containsExactly("no address in From 'undisclosed-recipients:;'");
        assertThat(AuthorDomains.extract(List.of("postmaster")).problems())
            .containsExactly("From address without a usable domain: 'postmaster'");
        assertThat(AuthorDomains.extract(List.of("Joe <joe@example.com")).problems())
            .containsExactly("malformed From address 'Joe <joe@example.com'");
        assertThat(AuthorDomains.extract(List.of("a@b@example.com")).problems())
            .containsExactly("malformed From address 'a@b@example.com'");
        assertThat(AuthorDomains.extract(List.of("a@[192.0.2.1]")).problems())
            .containsExactly("From address without a usable domain: 'a@[192.0.2.1]'");
    }

    @Test
    void aQuotedLocalPartMayHoldAnything() {
        AuthorDomains authors = AuthorDomains.extract(List.of("\"odd@local part\"@example.com"));

        assertThat(authors.domains()).containsExactly("example.com");
        assertThat(authors.problems()).isEmpty();
    }
}
