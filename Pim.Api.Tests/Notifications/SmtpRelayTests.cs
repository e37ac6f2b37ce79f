using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Pim.Api.Tests.Support;
using Pim.Infrastructure;

namespace Pim.Api.Tests.Notifications;

public sealed class SmtpRelayTests_Sqlite() : SmtpRelayTests("sqlite");

public sealed class SmtpRelayTests_Postgres() : SmtpRelayTests("postgres");

/// <summary>
/// Notifications through a real relay (smtp4dev: TLS and AUTH required, a certificate from an internal CA), each test
/// on a store of its own so that its dispatcher delivers only its own mail. A delivery the relay refuses stays in
/// <c>GET …/notifications</c>, failing visibly and retried, and is delivered once the operator fixes the setting.
/// </summary>
public abstract class SmtpRelayTests(string provider) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pim-relay-").FullName;
    private string _connection = "";
    private Func<Task> _drop = () => Task.CompletedTask;

    public async Task InitializeAsync() => (_connection, _drop) = await PimProcess.FreshStoreAsync(provider, _directory);

    public async Task DisposeAsync()
    {
        await _drop();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    /// <summary>Pim on this test's store, sending through <paramref name="smtp"/>.</summary>
    private sealed class RelayApp(string provider, string connection, EmailOptions.SmtpOptions smtp) : PimApp
    {
        public override string Provider => provider;
        public override string ConnectionString => connection;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // A TLS handshake and AUTH on a busy machine can take longer than the tests' usual 1 s per attempt.
            builder.UseSetting("Pim:Outbox:DeliveryTimeout", "00:00:30");
            builder.UseSetting("Pim:Email:From", "PIM <pim@contoso.example>");
            builder.UseSetting("Pim:Email:Smtp:Host", smtp.Host);
            builder.UseSetting("Pim:Email:Smtp:Port", smtp.Port.ToString());
            builder.UseSetting("Pim:Email:Smtp:Security", smtp.Security.ToString());
            builder.UseSetting("Pim:Email:Smtp:Username", smtp.Username);
            builder.UseSetting("Pim:Email:Smtp:Password", smtp.Password);
            builder.UseSetting("Pim:Email:Smtp:TrustedCaCertificatePath", smtp.TrustedCaCertificatePath ?? "");
            builder.UseSetting("Pim:Email:Smtp:CheckCertificateRevocation", smtp.CheckCertificateRevocation.ToString());
        }
    }

    private RelayApp App(EmailOptions.SmtpOptions smtp) => new(provider, _connection, smtp);

    /// <summary>Bob activates Exchange Administrator: Alice, a Global Administrator, is emailed.</summary>
    private static async Task<Scenario> ActivationEmailedToAliceAsync(PimApp app)
    {
        var s = await Scenario.OnboardAsync(app);
        await s.MakeBobEligibleAsync();
        await s.ActivateAsync(s.Bob).ExpectAsync(HttpStatusCode.Created);
        return s;
    }

    private static async Task<JsonElement> ActivationEmailAsync(Scenario s, string status)
    {
        var items = (await s.Alice.GetAsync(s.Path($"/notifications?status={status}&pageSize=100")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        return Assert.Single(items.EnumerateArray(), m => m.Str("kind") == "email" && m.Str("summary").Contains("activated") &&
            m.Str("summary").Contains(s.Address("alice")));
    }

    [Theory]
    [InlineData("StartTls")]
    [InlineData("ImplicitTls")]
    public async Task Emails_reach_a_relay_that_requires_TLS_and_AUTH_and_show_as_delivered(string mode)
    {
        var relays = await SmtpServers.GetAsync();
        var relay = mode == "StartTls" ? relays.StartTls : relays.ImplicitTls;
        await using var app = App(relays.Settings(relay));
        var s = await ActivationEmailedToAliceAsync(app);
        await app.DispatchAllAsync();

        var delivered = await ActivationEmailAsync(s, "delivered");
        Assert.Equal(1, delivered.GetProperty("attempts").GetInt32());
        Assert.Equal("PIM: Bob activated Exchange Administrator", Assert.Single(await relay.MessagesToAsync(s.Address("alice")),
            m => m.Subject.Contains("activated")).Subject);
        Assert.Empty((await s.Alice.GetAsync(s.Path("/notifications?status=failed")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
    }

    public static TheoryData<string> Refusals => new() { "wrong-password", "untrusted-certificate", "unchecked-revocation" };

    /// <summary>
    /// What a misconfigured relay does: every attempt fails with the reason in lastError, is retried with backoff, and
    /// after the last attempt the email is failed, still listed. Restarted with the setting fixed, Pim delivers it once
    /// it is re-driven: nothing was lost.
    /// </summary>
    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_relay_that_refuses_Pim_leaves_the_email_failing_visibly_until_it_is_fixed_and_re_driven(string refusal)
    {
        var relays = await SmtpServers.GetAsync();
        var (relay, broken, reason) = refusal switch
        {
            "wrong-password" => (relays.StartTls, relays.Settings(relays.StartTls, password: "an-old-password"), "535"),
            "untrusted-certificate" => (relays.ImplicitTls, relays.Settings(relays.ImplicitTls, trustedCa: null), "TrustedCaCertificatePath can name the CA"),
            _ => (relays.StartTls, relays.Settings(relays.StartTls, checkRevocation: true), "CheckCertificateRevocation=false"),
        };
        string tenant;
        string messageId;
        await using (var app = App(broken))
        {
            var s = await ActivationEmailedToAliceAsync(app);
            tenant = s.Id;
            await app.DispatchAllAsync();
            var pending = await ActivationEmailAsync(s, "pending");
            messageId = pending.Str("id");
            Assert.Equal(1, pending.GetProperty("attempts").GetInt32());
            Assert.Contains(reason, pending.Str("lastError"));
            Assert.True(pending.GetProperty("nextAttemptAt").GetDateTimeOffset() > app.Time.GetUtcNow());

            for (var attempt = 2; attempt <= 3; attempt++) // Pim:Outbox:MaxAttempts is 3 in the tests
            {
                app.Time.Advance(TimeSpan.FromHours(2));
                await app.DispatchAllAsync();
            }
            var failed = await ActivationEmailAsync(s, "failed");
            Assert.Equal(messageId, failed.Str("id"));
            Assert.Equal(3, failed.GetProperty("attempts").GetInt32());
            Assert.Contains(reason, failed.Str("lastError"));
            Assert.Empty(await relay.MessagesToAsync(s.Address("alice")));
        }

        // The operator fixes the setting and restarts Pim on the same store: the email is still there, and delivered once re-driven.
        await using (var app = App(relays.Settings(relays.StartTls)))
        {
            var s = new Scenario(app, tenant);
            Assert.Equal(messageId, (await ActivationEmailAsync(s, "failed")).Str("id"));
            await s.Alice.PostJsonAsync(s.Path($"/notifications/{messageId}/retry")).ExpectAsync(HttpStatusCode.OK);
            await app.DispatchAllAsync();
            Assert.Equal(messageId, (await ActivationEmailAsync(s, "delivered")).Str("id"));
            Assert.Single(await relays.StartTls.MessagesToAsync(s.Address("alice")), m => m.Subject.Contains("activated"));
        }
    }
}
