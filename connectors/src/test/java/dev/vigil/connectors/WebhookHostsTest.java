package dev.vigil.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which hosts a webhook named in rule text may reach: one line per host, as written and as resolved. */
class WebhookHostsTest {
    private static final WebhookHosts DEFAULTS = WebhookHosts.of(List.of(), List.of());

    @Test
    void theDefaultsDenyThisMachineLinkLocalAndMetadataAddressesAsWrittenInTheUrl() {
        assertEquals("127.0.0.1 is loopback (this machine)", DEFAULTS.refusalOfHost("127.0.0.1"));
        assertEquals("127.9.9.9 is loopback (this machine)", DEFAULTS.refusalOfHost("127.9.9.9"));
        assertEquals("0.0.0.0 is loopback (this machine)", DEFAULTS.refusalOfHost("0.0.0.0"));
        assertEquals("0:0:0:0:0:0:0:1 is loopback (this machine)", DEFAULTS.refusalOfHost("[::1]"));
        assertEquals("'localhost' is loopback (this machine)", DEFAULTS.refusalOfHost("LocalHost."));
        assertEquals("'app.localhost' is loopback (this machine)", DEFAULTS.refusalOfHost("app.localhost"));
        assertEquals("169.254.169.254 is link-local (where cloud metadata services answer)",
                DEFAULTS.refusalOfHost("169.254.169.254"));
        assertEquals("169.254.169.254 is link-local (where cloud metadata services answer)",
                DEFAULTS.refusalOfHost("[::ffff:169.254.169.254]"));
        assertEquals("169.254.169.254 is link-local (where cloud metadata services answer)",
                DEFAULTS.refusalOfHost("[::a9fe:a9fe]"));
        assertEquals("fe80:0:0:0:0:0:0:1 is link-local (where cloud metadata services answer)",
                DEFAULTS.refusalOfHost("[fe80::1]"));
        assertEquals("fd00:ec2:0:0:0:0:0:254 is a cloud metadata service", DEFAULTS.refusalOfHost("[fd00:ec2::254]"));
        assertEquals("100.100.100.200 is a cloud metadata service", DEFAULTS.refusalOfHost("100.100.100.200"));
        assertEquals("'metadata.google.internal' is a cloud metadata service",
                DEFAULTS.refusalOfHost("metadata.google.internal"));
    }

    @Test
    void otherHostsPassAndNamesAreJudgedByWhatTheyResolveTo() throws Exception {
        assertNull(DEFAULTS.refusalOfHost("hooks.example.com"));
        assertNull(DEFAULTS.refusalOfHost("10.1.2.3"), "private networks are not denied by default");
        assertNull(DEFAULTS.refusalOfHost("[2001:db8::1]"));
        assertNull(DEFAULTS.refusalOfHost("999.1.1.1"), "not an address, and no DNS at deploy");
        assertEquals("127.0.0.1 (the address of hooks.example.com) is loopback (this machine)",
                DEFAULTS.refusalOf("hooks.example.com", InetAddress.getByName("127.0.0.1")));
        assertNull(DEFAULTS.refusalOf("hooks.example.com", InetAddress.getByName("93.184.216.34")));
    }

    @Test
    void theAllowListOverridesTheDefaultsAndTheDenyListAddsToThem() throws Exception {
        WebhookHosts hosts = WebhookHosts.of(List.of("loopback", "10.1.2.3", "hooks.internal"),
                List.of("private", "*.corp.example"));
        assertNull(hosts.refusalOfHost("127.0.0.1"));
        assertNull(hosts.refusalOfHost("localhost"));
        assertNull(hosts.refusalOfHost("[::1]"));
        assertEquals("169.254.169.254 is link-local (where cloud metadata services answer)",
                hosts.refusalOfHost("169.254.169.254"));
        assertEquals("10.9.9.9 is a private network address", hosts.refusalOfHost("10.9.9.9"));
        assertNull(hosts.refusalOfHost("10.1.2.3"));
        assertEquals("'ci.corp.example' is listed in webhookDeniedHosts", hosts.refusalOfHost("ci.corp.example"));
        assertNull(hosts.refusalOf("hooks.internal", InetAddress.getByName("10.9.9.9")), "an allowed name is trusted");
        assertEquals("10.9.9.9 (the address of other.internal) is a private network address",
                hosts.refusalOf("other.internal", InetAddress.getByName("10.9.9.9")));
        WebhookHosts blocks = WebhookHosts.of(List.of(), List.of("192.0.2.0/25", "2001:db8::/32"));
        assertEquals("192.0.2.127 is listed in webhookDeniedHosts (192.0.2.0/25)", blocks.refusalOfHost("192.0.2.127"));
        assertNull(blocks.refusalOfHost("192.0.2.128"));
        assertEquals("2001:db8:ffff:0:0:0:0:1 is listed in webhookDeniedHosts (2001:db8::/32)",
                blocks.refusalOfHost("[2001:db8:ffff::1]"));
    }

    @Test
    void anEntryThatIsNoHostAddressBlockOrGroupIsNamed() {
        assertEquals("'10.0.0.0/40' has no valid prefix length (0..32)", WebhookHosts.problem("10.0.0.0/40"));
        assertEquals("'http://x' is not a host name, *.domain, address, CIDR block, loopback, link-local, metadata "
                + "or private", WebhookHosts.problem("http://x"));
        assertNull(WebhookHosts.problem("[::1]"));
        assertThrows(IllegalArgumentException.class, () -> WebhookHosts.of(List.of(" "), List.of()));
    }

    @Test
    void anyChecksNothing() throws Exception {
        assertNull(WebhookHosts.ANY.refusalOfHost("169.254.169.254"));
        assertNull(WebhookHosts.ANY.refusalOf("localhost", InetAddress.getByName("127.0.0.1")));
    }
}
