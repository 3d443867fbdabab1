package io.jamesdmarc.model.aggregate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceIpTest {

    @Test
    void canonicalisesCompressedAndUncompressedIpv6Alike() {
        assertThat(SourceIp.parse("2001:db8:0:0:0:0:0:1").text()).isEqualTo("2001:db8::1");
        assertThat(SourceIp.parse("2001:DB8::1").text()).isEqualTo("2001:db8::1");
    }

    @Test
    void readsIpv4() {
        SourceIp ip = SourceIp.parse(" 192.0.2.1 ");
        assertThat(ip.address()).isPresent();
        assertThat(ip.text()).isEqualTo("192.0.2.1");
    }

    @Test
    void keepsTextThatIsNotAnAddressWithoutResolvingIt() {
        SourceIp ip = SourceIp.parse("mail.example.com");
        assertThat(ip.address()).isEmpty();
        assertThat(ip.text()).isEqualTo("mail.example.com");
    }
}
