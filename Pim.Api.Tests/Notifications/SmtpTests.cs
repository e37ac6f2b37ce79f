using System.Net;
using System.Net.Sockets;
using System.Text;
using MailKit.Security;
using Pim.Api.Tests.Support;
using Pim.Infrastructure;

namespace Pim.Api.Tests.Notifications;

/// <summary>
/// The SMTP transport (MailKit): against real relays (smtp4dev with STARTTLS or implicit TLS, AUTH required, a certificate
/// from an internal CA without revocation list), and against a minimal loopback server without TLS that records the
/// conversation.
/// </summary>
public sealed class SmtpTests
{
    private static readonly EmailPayload Email = new(["alice@contoso.example", "soc@contoso.example"], "PIM: Bob activated Exchange Administrator",
        "Request id: r-1");

    private static SmtpEmailSender Sender(EmailOptions.SmtpOptions smtp) => new(new EmailOptions { From = "PIM <pim@contoso.example>", Smtp = smtp });

    private static string NewMessageId() => "m" + Guid.NewGuid().ToString("N")[..20];

    [Fact]
    public async Task Delivers_over_STARTTLS_with_AUTH_to_a_relay_whose_internal_CA_is_trusted_for_SMTP_only()
    {
        var relays = await SmtpServers.GetAsync();
        var id = NewMessageId();
        var recipient = $"{id}@contoso.example";
        await Sender(relays.Settings(relays.StartTls)).SendAsync(id, Email with { To = [recipient] }, CancellationToken.None);

        var received = Assert.Single(await relays.StartTls.MessagesToAsync(recipient));
        Assert.Equal(Email.Subject, received.Subject);
        var source = await relays.StartTls.SourceAsync(received.Id);
        Assert.Contains($"Message-Id: <{id}@pim>", source, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Request id: r-1", source);
    }

    [Fact]
    public async Task Delivers_over_implicit_TLS_with_AUTH()
    {
        var relays = await SmtpServers.GetAsync();
        var id = NewMessageId();
        var recipient = $"{id}@contoso.example";
        await Sender(relays.Settings(relays.ImplicitTls)).SendAsync(id, Email with { To = [recipient] }, CancellationToken.None);
        Assert.Equal(Email.Subject, Assert.Single(await relays.ImplicitTls.MessagesToAsync(recipient)).Subject);
    }

    /// <summary>The corporate relay: its CA publishes no CRL, so with revocation checked (the default) nothing is
    /// delivered, and the error says which setting changes that.</summary>
    [Theory]
    [InlineData("StartTls")]
    [InlineData("ImplicitTls")]
    public async Task A_CA_without_revocation_list_is_refused_while_revocation_is_checked(string mode)
    {
        var relays = await SmtpServers.GetAsync();
        var server = mode == "StartTls" ? relays.StartTls : relays.ImplicitTls;
        var id = NewMessageId();
        var refused = await Assert.ThrowsAsync<SslHandshakeException>(() =>
            Sender(relays.Settings(server, checkRevocation: true)).SendAsync(id, Email with { To = [$"{id}@contoso.example"] }, CancellationToken.None));
        Assert.Contains("was refused", refused.Message);
        Assert.Contains("Pim:Email:Smtp:CheckCertificateRevocation=false", refused.Message);
        Assert.Empty(await server.MessagesToAsync($"{id}@contoso.example"));
    }

    [Fact]
    public async Task A_certificate_from_a_CA_that_is_not_trusted_is_refused()
    {
        var relays = await SmtpServers.GetAsync();
        var otherCa = TestCa.Create(Directory.CreateTempSubdirectory("pim-other-ca-").FullName, "Some Other CA");
        foreach (var trusted in new[] { null, otherCa.CertificatePath })
        {
            var id = NewMessageId();
            var refused = await Assert.ThrowsAsync<SslHandshakeException>(() =>
                Sender(relays.Settings(relays.StartTls, trustedCa: trusted)).SendAsync(id, Email with { To = [$"{id}@contoso.example"] }, CancellationToken.None));
            Assert.Contains("was refused", refused.Message);
            Assert.Empty(await relays.StartTls.MessagesToAsync($"{id}@contoso.example"));
        }
    }

    /// <summary>Trusting a CA for SMTP does not let any of its certificates stand for any host: the relay's certificate
    /// names localhost, not the address Pim is told to reach.</summary>
    [Fact]
    public async Task A_certificate_of_the_trusted_CA_for_another_host_is_refused()
    {
        var relays = await SmtpServers.GetAsync();
        var id = NewMessageId();
        var refused = await Assert.ThrowsAsync<SslHandshakeException>(() =>
            Sender(relays.Settings(relays.StartTls, host: "127.0.0.1")).SendAsync(id, Email with { To = [$"{id}@contoso.example"] }, CancellationToken.None));
        Assert.Contains("does not name '127.0.0.1'", refused.Message);
        Assert.Empty(await relays.StartTls.MessagesToAsync($"{id}@contoso.example"));
    }

    [Fact]
    public async Task A_wrong_password_is_refused_by_the_relay()
    {
        var relays = await SmtpServers.GetAsync();
        var id = NewMessageId();
        await Assert.ThrowsAsync<AuthenticationException>(() =>
            Sender(relays.Settings(relays.StartTls, password: "not-the-password")).SendAsync(id, Email with { To = [$"{id}@contoso.example"] }, CancellationToken.None));
        Assert.Empty(await relays.StartTls.MessagesToAsync($"{id}@contoso.example"));
    }

    [Fact]
    public void A_trusted_CA_file_that_cannot_be_read_stops_start_up()
    {
        var directory = Directory.CreateTempSubdirectory("pim-ca-").FullName;
        var missing = Assert.Throws<InvalidOperationException>(() => Sender(new() { Host = "localhost", TrustedCaCertificatePath = Path.Combine(directory, "nope.pem") }));
        Assert.Contains("Pim:Email:Smtp:TrustedCaCertificatePath", missing.Message);
        var empty = Path.Combine(directory, "empty.pem");
        File.WriteAllText(empty, "not a certificate\n");
        Assert.Contains("holds no PEM certificate", Assert.Throws<InvalidOperationException>(() => Sender(new() { Host = "localhost", TrustedCaCertificatePath = empty })).Message);
    }

    private sealed class PlainSmtpServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task _serving;

        public PlainSmtpServer()
        {
            _listener.Start();
            _serving = ServeOneAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
        public List<string> Recipients { get; } = [];
        /// <summary>Mailboxes the server refuses at RCPT (550: no such user).</summary>
        public HashSet<string> Refused { get; init; } = [];
        public string Data { get; private set; } = "";

        private async Task ServeOneAsync()
        {
            using var client = await _listener.AcceptTcpClientAsync();
            await using var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 test ESMTP");
            while (await reader.ReadLineAsync() is { } line)
            {
                var verb = line.Split(' ')[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO": await writer.WriteLineAsync("250 test"); break;
                    case "RCPT":
                        var recipient = line[(line.IndexOf('<') + 1)..line.IndexOf('>')];
                        if (Refused.Contains(recipient))
                        {
                            await writer.WriteLineAsync("550 5.1.1 no such user");
                            break;
                        }
                        Recipients.Add(recipient);
                        await writer.WriteLineAsync("250 ok");
                        break;
                    case "DATA" when Recipients.Count == 0:
                        await writer.WriteLineAsync("554 5.5.1 no valid recipients");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 go ahead");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".") data.AppendLine(dataLine);
                        Data = data.ToString();
                        await writer.WriteLineAsync("250 queued");
                        break;
                    case "QUIT": await writer.WriteLineAsync("221 bye"); return;
                    default: await writer.WriteLineAsync("250 ok"); break;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            try { await _serving.WaitAsync(TimeSpan.FromSeconds(5)); } catch (Exception) { }
        }
    }

    /// <summary>A mailbox that is gone (the server refuses it at RCPT) does not keep the alarm from the other administrators.</summary>
    [Fact]
    public async Task A_recipient_the_server_refuses_does_not_keep_the_mail_from_the_others()
    {
        await using var server = new PlainSmtpServer { Refused = ["alice@contoso.example"] };
        await Sender(new() { Host = "127.0.0.1", Port = server.Port, Security = SecureSocketOptions.None })
            .SendAsync("01a2-gone", Email, CancellationToken.None);
        Assert.Equal(["soc@contoso.example"], server.Recipients);
        Assert.Contains("Request id: r-1", server.Data);
    }

    [Fact]
    public async Task A_message_no_recipient_of_which_is_accepted_fails_so_that_the_outbox_retries_it()
    {
        await using var server = new PlainSmtpServer { Refused = ["alice@contoso.example", "soc@contoso.example"] };
        await Assert.ThrowsAnyAsync<Exception>(() => Sender(new() { Host = "127.0.0.1", Port = server.Port, Security = SecureSocketOptions.None })
            .SendAsync("01a2-none", Email, CancellationToken.None));
        Assert.Empty(server.Recipients);
        Assert.Equal("", server.Data);
    }

    [Fact]
    public async Task Emails_go_to_every_recipient_without_TLS_when_Security_is_None()
    {
        await using var server = new PlainSmtpServer();
        await Sender(new() { Host = "127.0.0.1", Port = server.Port, Security = SecureSocketOptions.None })
            .SendAsync("01a2-msg", Email, CancellationToken.None);
        Assert.Equal(["alice@contoso.example", "soc@contoso.example"], server.Recipients);
        Assert.Contains("Subject: PIM: Bob activated Exchange Administrator", server.Data);
        Assert.Contains("Message-Id: <01a2-msg@pim>", server.Data);
        Assert.Contains("Request id: r-1", server.Data);
    }
}
