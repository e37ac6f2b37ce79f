using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Pim.Infrastructure;

public interface IEmailSender
{
    Task SendAsync(string messageId, EmailPayload email, CancellationToken ct);
}

/// <summary>Builds the RFC 5322 message once, for either transport.</summary>
internal static class Mime
{
    /// <summary>The recipients that are one mailbox each, as MimeKit reads them (a list or a broken header is not), and the others.</summary>
    public static (IReadOnlyList<string> Mailboxes, IReadOnlyList<string> Refused) Recipients(IEnumerable<string> to)
    {
        var (mailboxes, refused) = (new List<string>(), new List<string>());
        foreach (var address in to) (MailboxAddress.TryParse(address, out MailboxAddress? _) ? mailboxes : refused).Add(address);
        return (mailboxes, refused);
    }

    public static MimeMessage Create(EmailOptions options, string messageId, EmailPayload email)
    {
        var message = new MimeMessage { Subject = email.Subject, MessageId = $"{messageId}@pim" };
        message.From.Add(MailboxAddress.Parse(options.From));
        foreach (var to in email.To) message.To.Add(MailboxAddress.Parse(to));
        message.Body = new TextPart("plain") { Text = email.Body };
        return message;
    }
}

/// <summary>The embedded default: each email is an .eml file in the pickup directory, named by its message id (a
/// second delivery of the same message rewrites the same file).</summary>
public sealed class PickupDirectoryEmailSender(EmailOptions options) : IEmailSender
{
    public async Task SendAsync(string messageId, EmailPayload email, CancellationToken ct)
    {
        Directory.CreateDirectory(options.PickupDirectory);
        var path = Path.Combine(options.PickupDirectory, messageId + ".eml");
        var temporary = path + ".tmp";
        await Mime.Create(options, messageId, email).WriteToAsync(temporary, ct);
        File.Move(temporary, path, overwrite: true);
    }
}

/// <summary>
/// SMTP through MailKit, one connection per message. The server's certificate is accepted when the machine's trust
/// accepts it, or else when it chains to a CA of <c>Pim:Email:Smtp:TrustedCaCertificatePath</c> (trusted for SMTP only,
/// the machine's store untouched); revocation is checked either way unless <c>CheckCertificateRevocation</c> is false.
/// A certificate that names another host is never accepted. A refusal says why (it is the notification's last error).
/// </summary>
public sealed class SmtpEmailSender : IEmailSender
{
    private readonly EmailOptions _options;
    private readonly X509Certificate2Collection? _trustedCas;

    public SmtpEmailSender(EmailOptions options)
    {
        _options = options;
        _trustedCas = options.Smtp.TrustedCaCertificatePath is { Length: > 0 } path ? LoadTrustedCas(path) : null;
    }

    /// <summary>Why the CA file of <c>Pim:Email:Smtp:TrustedCaCertificatePath</c> cannot serve, or null: checked when Pim starts.</summary>
    public static string? TrustedCaProblem(string? path)
    {
        if (path is not { Length: > 0 }) return null;
        try
        {
            LoadTrustedCas(path);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }

    /// <summary>The CA certificates of a PEM file; start-up stops when the file cannot be read or holds none.</summary>
    private static X509Certificate2Collection LoadTrustedCas(string path)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidOperationException($"Pim:Email:Smtp:TrustedCaCertificatePath: cannot read CA certificates from '{path}': {e.Message}", e);
        }
        if (certificates.Count == 0)
            throw new InvalidOperationException($"Pim:Email:Smtp:TrustedCaCertificatePath: '{path}' holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
        return certificates;
    }

    public async Task SendAsync(string messageId, EmailPayload email, CancellationToken ct)
    {
        var smtp = _options.Smtp;
        string? refusal = null;
        using var client = new RecipientTolerantSmtpClient
        {
            CheckCertificateRevocation = smtp.CheckCertificateRevocation,
            ServerCertificateValidationCallback = (_, certificate, chain, errors) => Accepts(certificate, chain, errors, out refusal),
        };
        try
        {
            await client.ConnectAsync(smtp.Host!, smtp.Port, smtp.Security, ct);
        }
        catch (SslHandshakeException e) when (refusal is not null)
        {
            throw new SslHandshakeException($"The certificate of SMTP server {smtp.Host}:{smtp.Port} was refused: {refusal}", e);
        }
        if (!string.IsNullOrEmpty(smtp.Username)) await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", ct);
        await client.SendAsync(Mime.Create(_options, messageId, email), ct);
        await client.DisconnectAsync(quit: true, ct);
    }

    /// <summary>
    /// Delivers to the recipients the server accepts: one it refuses (a mailbox that is gone, a typo) does not keep the
    /// mail from the others — the break-glass alarm above all. When the server accepts none, MailKit fails the message,
    /// which the outbox retries.
    /// </summary>
    private sealed class RecipientTolerantSmtpClient : SmtpClient
    {
        protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response) { }
    }

    private bool Accepts(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, out string? refusal)
    {
        refusal = null;
        if (errors == SslPolicyErrors.None) return true;
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            refusal = "the server sent no certificate.";
            return false;
        }
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            refusal = $"it does not name '{_options.Smtp.Host}' ({certificate.Subject}).";
            return false;
        }
        // The machine's trust refused the chain; the CAs trusted for SMTP may still accept it.
        if (_trustedCas is null)
        {
            refusal = Describe(chain) + " (Pim:Email:Smtp:TrustedCaCertificatePath can name the CA that issued it).";
            return false;
        }
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_trustedCas);
        if (chain is not null) custom.ChainPolicy.ExtraStore.AddRange(chain.ChainPolicy.ExtraStore); // intermediates the server sent
        custom.ChainPolicy.RevocationMode = _options.Smtp.CheckCertificateRevocation ? X509RevocationMode.Online : X509RevocationMode.NoCheck;
        custom.ChainPolicy.RevocationFlag = X509RevocationFlag.ExcludeRoot;
        custom.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1")); // serverAuth
        using var leaf = new X509Certificate2(certificate);
        if (custom.Build(leaf)) return true;
        refusal = Describe(custom) + (_options.Smtp.CheckCertificateRevocation && custom.ChainStatus.Any(s => s.Status is
            X509ChainStatusFlags.RevocationStatusUnknown or X509ChainStatusFlags.OfflineRevocation)
            ? " (a CA that publishes no revocation list needs Pim:Email:Smtp:CheckCertificateRevocation=false)."
            : ".");
        return false;
    }

    private static string Describe(X509Chain? chain) => chain is null || chain.ChainStatus.Length == 0
        ? "its chain of trust could not be built"
        : string.Join("; ", chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}").Distinct());
}
