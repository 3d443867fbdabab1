package io.jamesdmarc.model.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class DnsSettingsTest {

    @Test
    void readsHostsPortsAndIpv6() {
        List<InetSocketAddress> servers = DnsSettings.parseServers("127.0.0.1:5353, 192.0.2.53 [::1]:5300,2001:db8::53");

        assertThat(servers).extracting(s -> s.getAddress().getHostAddress() + "/" + s.getPort())
            .containsExactly("127.0.0.1/5353", "192.0.2.53/53", "0:0:0:0:0:0:0:1/5300", "2001:db8:0:0:0:0:0:53/53");
    }

    @Test
    void namesTheEntryThatIsNotAServer() {
        assertThatThrownBy(() -> DnsSettings.parseServers("127.0.0.1:http")).hasMessageContaining("127.0.0.1:http");
        assertThatThrownBy(() -> DnsSettings.parseServers("127.0.0.1:70000")).hasMessageContaining("out of range");
        assertThatThrownBy(() -> DnsSettings.parseServers("[::1")).hasMessageContaining("']'");
        assertThatThrownBy(() -> DnsSettings.parseServers(" , ")).hasMessageContaining("no DNS server");
    }

    @Test
    void rejectsSettingsThatCannotWork() {
        List<InetSocketAddress> one = DnsSettings.parseServers("127.0.0.1");

        assertThatThrownBy(() -> DnsSettings.of(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DnsSettings.of(one).withTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DnsSettings.of(one).withAttempts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DnsSettings.of(one).withCacheSize(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
