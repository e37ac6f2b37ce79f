using MailKit.Net.Smtp;
using MimeKit;

namespace Pim.Infrastructure;

public interface IEmailSender
{
    Task SendAsync(string messageId, EmailPayload email, CancellationToken ct);
}

/// <summary>Builds the RFC 5322 message once, for either transport.</summary>
internal static class Mime
{
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

public sealed class SmtpEmailSender(EmailOptions options) : IEmailSender
{
    public async Task SendAsync(string messageId, EmailPayload email, CancellationToken ct)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(options.Smtp.Host!, options.Smtp.Port, options.Smtp.Security, ct);
        if (!string.IsNullOrEmpty(options.Smtp.Username)) await client.AuthenticateAsync(options.Smtp.Username, options.Smtp.Password ?? "", ct);
        await client.SendAsync(Mime.Create(options, messageId, email), ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}
