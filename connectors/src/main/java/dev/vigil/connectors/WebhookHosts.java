package dev.vigil.connectors;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which hosts a webhook named in rule text may post to: a rule author must not turn the server into a proxy to
 * the machine itself or to the cloud's metadata service (which hands out credentials).
 *
 * <p>Denied by default: {@code loopback} (127.0.0.0/8, ::1, and 0.0.0.0/8 and ::, which reach this machine too;
 * the names {@code localhost} and {@code *.localhost}), {@code link-local} (169.254.0.0/16, where AWS, GCP, Azure
 * and others serve metadata, and fe80::/10) and {@code metadata} (fd00:ec2::254, 100.100.100.200,
 * 168.63.129.16 and the names {@code metadata.google.internal}, {@code metadata.goog}, {@code metadata},
 * {@code instance-data}). The deny list adds entries; the allow list overrides both. An entry is one of those three
 * group names or {@code private} (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7), an address,
 * a CIDR block ({@code 10.0.0.0/8}), a host name ({@code hooks.internal}) or every name under a domain
 * ({@code *.internal}). A name in the allow list is trusted whatever it resolves to.
 *
 * <p>A URL is judged twice: when the rule is deployed, by its host as written ({@link #refusalOfHost}: names and
 * literal addresses, no DNS), and by the webhook before each connection, by the address the name resolved to
 * ({@link #refusalOf}); the webhook then connects to that very address, so a name re-pointed between the check and
 * the connection (DNS rebinding) gains nothing. IPv4 addresses written inside IPv6 ones ({@code ::ffff:a.b.c.d},
 * {@code ::a.b.c.d}) are judged as the IPv4 address.
 *
 * <p><b>Thread-safe:</b> immutable.
 */
public final class WebhookHosts {
    /** No check at all: for sinks the server's configuration declares, which are the operator's own. */
    public static final WebhookHosts ANY = new WebhookHosts(null, null);

    private static final Pattern NAME = Pattern.compile(
            "(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final List<Entry> DEFAULT_DENIED = List.of(group("loopback"), group("link-local"),
            group("metadata"));

    private final List<Entry> allowed;
    private final List<Entry> denied;

    private WebhookHosts(List<Entry> allowed, List<Entry> denied) {
        this.allowed = allowed;
        this.denied = denied;
    }

    /** The defaults, with {@code allowed} and {@code denied} entries; an entry that is none of the forms throws. */
    public static WebhookHosts of(List<String> allowed, List<String> denied) {
        List<Entry> deny = new ArrayList<>(DEFAULT_DENIED);
        for (String entry : denied) {
            deny.add(parse(entry, "webhookDeniedHosts"));
        }
        List<Entry> allow = new ArrayList<>();
        for (String entry : allowed) {
            allow.add(parse(entry, "webhookAllowedHosts"));
        }
        return new WebhookHosts(List.copyOf(allow), List.copyOf(deny));
    }

    /** What is wrong with {@code entry} as an entry of either list, or null when it is one. */
    public static String problem(String entry) {
        try {
            parse(entry, "");
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /**
     * Why a webhook may not post to {@code host} as written in its URL ({@code URI.getHost()}, IPv6 in brackets),
     * or null when nothing known without DNS refuses it: a listed name, or an address written literally.
     */
    public String refusalOfHost(String host) {
        if (allowed == null) {
            return null;
        }
        InetAddress literal = literal(host);
        return literal != null ? refusalOf(host, literal) : refusalOfName(normalize(host));
    }

    /** Why a webhook may not connect to {@code address}, which {@code host} resolved to; null when it may. */
    public String refusalOf(String host, InetAddress address) {
        if (allowed == null) {
            return null;
        }
        String name = literal(host) == null ? normalize(host) : null;
        if (name != null) {
            if (matchesName(allowed, name)) {
                return null;
            }
            String refused = refusalOfName(name);
            if (refused != null) {
                return refused;
            }
        }
        InetAddress judged = embeddedIpv4(address);
        if (matchAddress(allowed, judged) != null) {
            return null;
        }
        Entry deniedBy = matchAddress(denied, judged);
        if (deniedBy == null) {
            return null;
        }
        return judged.getHostAddress() + (name == null ? "" : " (the address of " + name + ")") + " is " + deniedBy.why;
    }

    /** Whether this policy checks anything (false for {@link #ANY}). */
    public boolean checks() {
        return allowed != null;
    }

    private String refusalOfName(String name) {
        if (matchesName(allowed, name)) {
            return null;
        }
        for (Entry entry : denied) {
            if (entry.matchesName(name)) {
                return "'" + name + "' is " + entry.why;
            }
        }
        return null;
    }

    private static boolean matchesName(List<Entry> entries, String name) {
        for (Entry entry : entries) {
            if (entry.matchesName(name)) {
                return true;
            }
        }
        return false;
    }

    private static Entry matchAddress(List<Entry> entries, InetAddress address) {
        for (Entry entry : entries) {
            if (entry.matchesAddress(address)) {
                return entry;
            }
        }
        return null;
    }

    /** The address {@code host} writes literally (IPv4 dotted quad, IPv6 with or without brackets), else null. */
    static InetAddress literal(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try {
            if (IPV4.matcher(bare).matches()) {
                String[] parts = bare.split("\\.");
                byte[] bytes = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int part = Integer.parseInt(parts[i]);
                    if (part > 255) {
                        return null;
                    }
                    bytes[i] = (byte) part;
                }
                return InetAddress.getByAddress(bytes);
            }
            // in brackets, InetAddress parses an IPv6 literal or refuses it; it never looks a bracketed host up
            return bare.indexOf(':') < 0 ? null : InetAddress.getByName("[" + bare + "]");
        } catch (UnknownHostException | IllegalArgumentException notAnAddress) {
            return null;
        }
    }

    private static String normalize(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** {@code ::ffff:a.b.c.d} and {@code ::a.b.c.d} are judged as {@code a.b.c.d}. */
    private static InetAddress embeddedIpv4(InetAddress address) {
        if (address instanceof Inet6Address six && six.isIPv4CompatibleAddress()) {
            byte[] bytes = six.getAddress();
            if (bytes[12] != 0 || bytes[13] != 0 || bytes[14] != 0 || (bytes[15] & 0xFF) > 1) {   // not :: or ::1
                try {
                    return InetAddress.getByAddress(new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]});
                } catch (UnknownHostException impossible) {
                    throw new IllegalStateException(impossible);
                }
            }
        }
        return address;
    }

    private static Entry parse(String text, String list) {
        String entry = text.strip().toLowerCase(Locale.ROOT);
        if (entry.isEmpty()) {
            throw new IllegalArgumentException("an empty host entry");
        }
        Entry named = group(entry);
        if (named != null) {
            return named;
        }
        String why = "listed in " + list;
        int slash = entry.indexOf('/');
        InetAddress address = literal(slash < 0 ? entry : entry.substring(0, slash));
        if (address != null) {
            int bits = address.getAddress().length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException notANumber) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("'" + text + "' has no valid prefix length (0.." + bits + ")");
                }
            }
            return Entry.block(address, prefix, why + " (" + entry + ")");
        }
        if (slash < 0 && NAME.matcher(entry).matches()) {
            return Entry.name(entry, why);
        }
        throw new IllegalArgumentException("'" + text + "' is not a host name, *.domain, address, CIDR block, "
                + "loopback, link-local, metadata or private");
    }

    /** A named group of addresses and names; null when {@code name} names none. */
    private static Entry group(String name) {
        switch (name) {
            case "loopback":
                return Entry.group("loopback (this machine)", List.of("localhost", "*.localhost"),
                        "127.0.0.0/8", "::1/128", "0.0.0.0/8", "::/128");
            case "link-local":
                return Entry.group("link-local (where cloud metadata services answer)", List.of(),
                        "169.254.0.0/16", "fe80::/10");
            case "metadata":
                return Entry.group("a cloud metadata service", List.of("metadata.google.internal", "metadata.goog",
                        "metadata", "instance-data"), "fd00:ec2::254/128", "100.100.100.200/32", "168.63.129.16/32");
            case "private":
                return Entry.group("a private network address", List.of(), "10.0.0.0/8", "172.16.0.0/12",
                        "192.168.0.0/16", "100.64.0.0/10", "fc00::/7");
            default:
                return null;
        }
    }

    /** One entry: names (exact, or {@code *.domain}) and address blocks, and what a refusal by it says. */
    private record Entry(List<String> names, List<byte[]> networks, List<Integer> prefixes, String why) {
        static Entry name(String name, String why) {
            return new Entry(List.of(name), List.of(), List.of(), why);
        }

        static Entry block(InetAddress network, int prefix, String why) {
            return new Entry(List.of(), List.of(network.getAddress()), List.of(prefix), why);
        }

        static Entry group(String why, List<String> names, String... blocks) {
            List<byte[]> networks = new ArrayList<>();
            List<Integer> prefixes = new ArrayList<>();
            for (String block : blocks) {
                int slash = block.indexOf('/');
                networks.add(literal(block.substring(0, slash)).getAddress());
                prefixes.add(Integer.parseInt(block.substring(slash + 1)));
            }
            return new Entry(names, networks, prefixes, why);
        }

        boolean matchesName(String host) {
            for (String name : names) {
                if (name.startsWith("*.") ? host.endsWith(name.substring(1)) : host.equals(name)) {
                    return true;
                }
            }
            return false;
        }

        boolean matchesAddress(InetAddress address) {
            byte[] bytes = address.getAddress();
            for (int i = 0; i < networks.size(); i++) {
                byte[] network = networks.get(i);
                if (network.length == bytes.length && samePrefix(network, bytes, prefixes.get(i))) {
                    return true;
                }
            }
            return false;
        }

        private static boolean samePrefix(byte[] a, byte[] b, int bits) {
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (a[i] != b[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (a[whole] & mask) == (b[whole] & mask);
        }
    }
}
