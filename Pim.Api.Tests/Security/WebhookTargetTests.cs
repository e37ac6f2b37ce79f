using System.Net;
using Pim.Api.Tests.Support;
using Pim.Infrastructure;

namespace Pim.Api.Tests.Security;

/// <summary>
/// Trust boundary: outbound calls (webhooks) reach only public unicast addresses, decided from the IANA special-purpose
/// registries after decoding every IPv4-in-IPv6 form, by the same function at creation and at every connection, with
/// no proxy. The table holds an address of every registry entry (a test checks it stays so) and every spelling.
/// </summary>
public sealed class WebhookTargetTests
{
    public static readonly (string Address, bool Public)[] Table =
    [
        // IPv4 special-purpose registry
        ("0.0.0.0", false), ("0.1.2.3", false), ("10.1.2.3", false), ("100.64.0.1", false), ("100.127.255.254", false),
        ("127.0.0.1", false), ("127.255.255.254", false), ("169.254.169.254", false), ("172.16.0.1", false), ("172.31.255.254", false),
        ("192.0.0.1", false), ("192.0.0.8", false), ("192.0.0.9", true), ("192.0.0.10", true), ("192.0.0.100", false),
        ("192.0.0.170", false), ("192.0.0.171", false), ("192.0.2.1", false), ("192.31.196.1", true), ("192.52.193.1", true),
        ("192.88.99.1", false), ("192.168.1.1", false), ("192.175.48.1", true), ("198.18.0.1", false), ("198.19.255.254", false),
        ("198.51.100.7", false), ("203.0.113.9", false), ("224.0.0.1", false), ("239.255.255.250", false), ("240.0.0.1", false),
        ("255.255.255.255", false),
        // public IPv4, including neighbours of the blocks
        ("8.8.8.8", true), ("93.184.216.34", true), ("172.32.0.1", true), ("100.128.0.1", true), ("11.0.0.1", true), ("198.20.0.1", true),
        // IPv6 special-purpose registry
        ("::1", false), ("::", false), ("64:ff9b:1::808:808", false), ("100::1", false), ("100:0:0:1::1", false),
        ("2001:100::1", false), ("2001:1::1", true), ("2001:1::2", true), ("2001:1::3", true), ("2001:1::4", false), ("2001:2::1", false),
        ("2001:3::1", true), ("2001:4:112::1", true), ("2001:10::1", false), ("2001:20::1", true), ("2001:30::1", true),
        ("2001:db8::1", false), ("2620:4f:8000::1", true), ("3fff::1", false), ("5f00::1", false), ("fc00::1", false), ("fd00::1", false),
        ("fe80::1", false), ("fe80::1%2", false),
        // outside the global unicast space
        ("fec0::1", false), ("ff02::1", false), ("ff0e::1", false), ("4000::1", false),
        ("2a00:1450:4001::1", true),
        // IPv4 inside IPv6: mapped, compatible, SIIT, NAT64, 6to4, Teredo (server and obfuscated client), ISATAP
        ("::ffff:127.0.0.1", false), ("::ffff:7f00:1", false), ("0:0:0:0:0:ffff:7f00:1", false), ("::ffff:169.254.169.254", false),
        ("::ffff:8.8.8.8", true), ("::127.0.0.1", false), ("::10.0.0.1", false), ("::ffff:0:127.0.0.1", false),
        ("64:ff9b::a9fe:a9fe", false), ("64:ff9b::7f00:1", false), ("64:ff9b::10.0.0.1", false), ("64:ff9b::808:808", true),
        ("2002:7f00:1::", false), ("2002:a9fe:a9fe::1", false), ("2002:c0a8:101::1", false), ("2002:808:808::1", true),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", false), ("2001:0:4136:e378:8000:63bf:3fff:fdd2", false),
        ("2001:0:a00:1:8000:63bf:f7f7:f7f7", false), ("2001:0:4136:e378:8000:63bf:f7f7:f7f7", true),
        ("2a00:1450::5efe:7f00:1", false), ("2a00:1450::200:5efe:a9fe:a9fe", false), ("fe80::5efe:808:808", false),
        ("2a00:1450::200:5efe:808:808", true),
    ];

    public static TheoryData<string, bool> Addresses
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var (address, isPublic) in Table) data.Add(address, isPublic);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Addresses))]
    public void Only_public_unicast_addresses_are_allowed(string address, bool expected) =>
        Assert.Equal(expected, PublicAddresses.IsPublicUnicast(IPAddress.Parse(address)));

    [Fact]
    public void The_table_holds_an_address_of_every_registry_entry()
    {
        foreach (var (block, global) in PublicAddresses.IPv4Registry.Concat(PublicAddresses.IPv6Registry))
        {
            var network = IPNetwork.Parse(block);
            Assert.True(Table.Any(row => network.Contains(IPAddress.Parse(row.Address)) && row.Public == global), $"no row for {block}");
        }
    }

    private static readonly WebhookUrlPolicy Production = new(new WebhookOptions { AllowInsecureTargets = false });

    [Theory]
    [InlineData("https://[64:ff9b::a9fe:a9fe]/")]
    [InlineData("https://[64:ff9b::7f00:1]/")]
    [InlineData("https://[2002:7f00:1::]/")]
    [InlineData("https://[::127.0.0.1]/")]
    [InlineData("https://198.18.0.1/")]
    [InlineData("https://192.0.0.170/")]
    [InlineData("https://[100::1]/")]
    [InlineData("https://127.1/")]
    [InlineData("https://2130706433/")]
    [InlineData("https://0x7f.0.0.1/")]
    [InlineData("https://0177.0.0.1/")]
    [InlineData("https://0/")]
    [InlineData("https://[::ffff:127.0.0.1]/")]
    [InlineData("https://[0:0:0:0:0:ffff:7f00:1]/")]
    [InlineData("https://[::ffff:a9fe:a9fe]/latest/meta-data")]
    [InlineData("https://[fe80::1%25eth0]/")]
    [InlineData("https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/")]
    [InlineData("https://localhost/")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    public async Task Every_spelling_of_a_non_public_target_is_refused_at_creation(string url)
    {
        var refusal = await Production.RefusalAsync(new Uri(url), CancellationToken.None);
        Assert.NotNull(refusal);
        Assert.Contains("non-public", refusal);
    }

    [Theory]
    [InlineData("http://93.184.216.34/hook")]
    [InlineData("https://user:pass@93.184.216.34/hook")]
    [InlineData("ftp://93.184.216.34/hook")]
    public async Task Only_https_without_credentials(string url) => Assert.NotNull(await Production.RefusalAsync(new Uri(url), CancellationToken.None));

    [Fact]
    public async Task A_public_https_target_is_allowed() =>
        Assert.Null(await Production.RefusalAsync(new Uri("https://93.184.216.34/hook"), CancellationToken.None));

    [Fact]
    public async Task Development_allows_http_to_loopback() =>
        Assert.Null(await new WebhookUrlPolicy(new WebhookOptions { AllowInsecureTargets = true }).RefusalAsync(new Uri("http://127.0.0.1:5000/hook"), CancellationToken.None));

    [Fact]
    public async Task Every_connection_is_checked_again_and_no_proxy_is_used()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var handler = WebhookUrlPolicy.Handler(new WebhookOptions { AllowInsecureTargets = false });
        Assert.False(handler.UseProxy);
        using var client = new HttpClient(handler);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(receiver.Url, new StringContent("{}")));
        Assert.Contains("not a public address", refused.Message);
        Assert.Empty(receiver.Deliveries);
    }
}
