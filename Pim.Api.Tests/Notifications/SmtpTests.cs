using System.Net;
using System.Net.Sockets;
using System.Text;
using MailKit.Security;
using Pim.Infrastructure;

namespace Pim.Api.Tests.Notifications;

/// <summary>The SMTP transport (MailKit) against a minimal SMTP server on loopback that records the conversation.</summary>
public sealed class SmtpTests
{
    private sealed class SmtpServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task _serving;

        public SmtpServer()
        {
            _listener.Start();
            _serving = ServeOneAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;
        public List<string> Recipients { get; } = [];
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
                    case "RCPT": Recipients.Add(line[(line.IndexOf('<') + 1)..line.IndexOf('>')]); await writer.WriteLineAsync("250 ok"); break;
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

    [Fact]
    public async Task Emails_go_over_SMTP_when_a_host_is_configured()
    {
        await using var server = new SmtpServer();
        var sender = new SmtpEmailSender(new EmailOptions
        {
            From = "PIM <pim@contoso.example>",
            Smtp = new EmailOptions.SmtpOptions { Host = "127.0.0.1", Port = server.Port, Security = SecureSocketOptions.None },
        });
        await sender.SendAsync("01a2-msg", new EmailPayload(["alice@contoso.example", "soc@contoso.example"], "PIM: Bob activated Exchange Administrator",
            "Request id: r-1"), CancellationToken.None);
        Assert.Equal(["alice@contoso.example", "soc@contoso.example"], server.Recipients);
        Assert.Contains("Subject: PIM: Bob activated Exchange Administrator", server.Data);
        Assert.Contains("Message-Id: <01a2-msg@pim>", server.Data);
        Assert.Contains("Request id: r-1", server.Data);
    }
}
