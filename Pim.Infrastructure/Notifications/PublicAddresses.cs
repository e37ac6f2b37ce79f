using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Pim.Infrastructure;

/// <summary>
/// Whether an address is a public unicast address that Pim may connect to on a tenant's behalf (webhooks). Decided
/// from the IANA IPv4 and IPv6 Special-Purpose Address Registries (the most specific entry wins; only entries marked
/// "globally reachable" are allowed), after decoding every form of IPv4 inside IPv6: mapped, compatible, NAT64
/// (64:ff9b::/96), 6to4 (2002::/16), Teredo (2001::/32) and ISATAP interface identifiers. IPv6 outside the global
/// unicast space 2000::/3 (multicast, site-local, unallocated) is refused, as is IPv4 multicast.
/// </summary>
public static class PublicAddresses
{
    /// <summary>IANA IPv4 Special-Purpose Address Registry, with "globally reachable" per entry; plus multicast.</summary>
    public static readonly IReadOnlyList<(string Block, bool Global)> IPv4Registry =
    [
        ("0.0.0.0/8", false),         // "this network" (RFC 791)
        ("10.0.0.0/8", false),        // private use (RFC 1918)
        ("100.64.0.0/10", false),     // shared address space, CGNAT (RFC 6598)
        ("127.0.0.0/8", false),       // loopback (RFC 1122)
        ("169.254.0.0/16", false),    // link local, cloud metadata (RFC 3927)
        ("172.16.0.0/12", false),     // private use (RFC 1918)
        ("192.0.0.0/24", false),      // IETF protocol assignments (RFC 6890)
        ("192.0.0.0/29", false),      // IPv4 service continuity prefix, DS-Lite (RFC 7335)
        ("192.0.0.8/32", false),      // IPv4 dummy address (RFC 7600)
        ("192.0.0.9/32", true),       // port control protocol anycast (RFC 7723)
        ("192.0.0.10/32", true),      // traversal using relays around NAT anycast (RFC 8155)
        ("192.0.0.170/32", false),    // NAT64/DNS64 discovery (RFC 8880)
        ("192.0.0.171/32", false),    // NAT64/DNS64 discovery (RFC 8880)
        ("192.0.2.0/24", false),      // documentation, TEST-NET-1 (RFC 5737)
        ("192.31.196.0/24", true),    // AS112-v4 (RFC 7535)
        ("192.52.193.0/24", true),    // AMT (RFC 7450)
        ("192.88.99.0/24", false),    // deprecated 6to4 relay anycast (RFC 7526)
        ("192.168.0.0/16", false),    // private use (RFC 1918)
        ("192.175.48.0/24", true),    // direct delegation AS112 service (RFC 7534)
        ("198.18.0.0/15", false),     // benchmarking (RFC 2544)
        ("198.51.100.0/24", false),   // documentation, TEST-NET-2 (RFC 5737)
        ("203.0.113.0/24", false),    // documentation, TEST-NET-3 (RFC 5737)
        ("224.0.0.0/4", false),       // multicast (RFC 5771): not unicast
        ("240.0.0.0/4", false),       // reserved (RFC 1112)
        ("255.255.255.255/32", false), // limited broadcast (RFC 919)
    ];

    /// <summary>IANA IPv6 Special-Purpose Address Registry, with "globally reachable" per entry; the embedded-IPv4 forms are decoded before.</summary>
    public static readonly IReadOnlyList<(string Block, bool Global)> IPv6Registry =
    [
        ("::1/128", false),            // loopback (RFC 4291)
        ("::/128", false),             // unspecified (RFC 4291)
        ("64:ff9b:1::/48", false),     // local-use IPv4/IPv6 translation (RFC 8215)
        ("100::/64", false),           // discard-only (RFC 6666)
        ("100:0:0:1::/64", false),     // dummy IPv6 prefix (RFC 9780)
        ("2001::/23", false),          // IETF protocol assignments (RFC 2928)
        ("2001:1::1/128", true),       // port control protocol anycast (RFC 7723)
        ("2001:1::2/128", true),       // TURN anycast (RFC 8155)
        ("2001:1::3/128", true),       // DNS-SD service registration protocol anycast (RFC 9665)
        ("2001:2::/48", false),        // benchmarking (RFC 5180)
        ("2001:3::/32", true),         // AMT (RFC 7450)
        ("2001:4:112::/48", true),     // AS112-v6 (RFC 7535)
        ("2001:10::/28", false),       // deprecated ORCHID (RFC 4843)
        ("2001:20::/28", true),        // ORCHIDv2 (RFC 7343)
        ("2001:30::/28", true),        // drone remote ID DETs (RFC 9374)
        ("2001:db8::/32", false),      // documentation (RFC 3849)
        ("2620:4f:8000::/48", true),   // direct delegation AS112 service (RFC 7534)
        ("3fff::/20", false),          // documentation (RFC 9637)
        ("5f00::/16", false),          // segment routing SIDs (RFC 9602)
        ("fc00::/7", false),           // unique local (RFC 4193)
        ("fe80::/10", false),          // link-local unicast (RFC 4291)
    ];

    private static readonly (IPNetwork Network, bool Global)[] V4 = IPv4Registry.Select(e => (IPNetwork.Parse(e.Block), e.Global)).ToArray();
    private static readonly (IPNetwork Network, bool Global)[] V6 = IPv6Registry.Select(e => (IPNetwork.Parse(e.Block), e.Global)).ToArray();
    private static readonly IPNetwork GlobalUnicast = IPNetwork.Parse("2000::/3");

    public static bool IsPublicUnicast(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork) return Registered(V4, address) ?? true;
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || address.ScopeId != 0) return false;
        // A translated address (mapped, compatible, NAT64, 6to4, Teredo) reaches the IPv4 it carries: that decides.
        var translated = TranslatedIPv4(address);
        if (translated.Count > 0) return translated.All(IsPublicUnicast);
        // An ISATAP interface identifier names an IPv4 tunnel end point: it must be public, and so must the prefix.
        if (IsatapIPv4(address) is { } tunnel && !IsPublicUnicast(tunnel)) return false;
        return Registered(V6, address) ?? GlobalUnicast.Contains(address);
    }

    /// <summary>The most specific registry entry that holds the address decides; null when none does.</summary>
    private static bool? Registered((IPNetwork Network, bool Global)[] registry, IPAddress address)
    {
        (IPNetwork Network, bool Global)? best = null;
        foreach (var entry in registry)
            if (entry.Network.Contains(address) && (best is null || entry.Network.PrefixLength > best.Value.Network.PrefixLength))
                best = entry;
        return best?.Global;
    }

    /// <summary>The IPv4 addresses an IPv6 address is a translation of (packets to it reach them); empty for any other IPv6.</summary>
    public static IReadOnlyList<IPAddress> TranslatedIPv4(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        var last32 = new IPAddress(b[12..16]);
        var high64 = BinaryPrimitives.ReadUInt64BigEndian(b);
        var word5 = BinaryPrimitives.ReadUInt16BigEndian(b[10..12]);
        var word4 = BinaryPrimitives.ReadUInt16BigEndian(b[8..10]);
        // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated; also :: and ::1, which decode to 0.0.0.x)
        if (high64 == 0 && word4 == 0 && (word5 == 0xffff || word5 == 0)) return [last32];
        // ::ffff:0:a.b.c.d (SIIT, RFC 2765)
        if (high64 == 0 && word4 == 0xffff && word5 == 0) return [last32];
        // 64:ff9b::a.b.c.d (NAT64 well-known prefix, RFC 6052)
        if (high64 == 0x0064_ff9b_0000_0000 && word4 == 0 && word5 == 0) return [last32];
        // 2002:a.b.c.d::/48 (6to4, RFC 3056)
        if (b[0] == 0x20 && b[1] == 0x02) return [new IPAddress(b[2..6])];
        // 2001:0000:server:flags:port:~client (Teredo, RFC 4380): the server and the obfuscated client
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0)
        {
            Span<byte> client = stackalloc byte[4];
            for (var i = 0; i < 4; i++) client[i] = (byte)~b[12 + i];
            return [new IPAddress(b[4..8]), new IPAddress(client)];
        }
        return [];
    }

    /// <summary>The IPv4 end point in an ISATAP interface identifier (…:0:5efe:a.b.c.d or …:200:5efe:a.b.c.d, RFC 5214).</summary>
    public static IPAddress? IsatapIPv4(IPAddress address)
    {
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        var word4 = BinaryPrimitives.ReadUInt16BigEndian(b[8..10]);
        var word5 = BinaryPrimitives.ReadUInt16BigEndian(b[10..12]);
        return (word4 == 0 || word4 == 0x0200) && word5 == 0x5efe ? new IPAddress(b[12..16]) : null;
    }
}
