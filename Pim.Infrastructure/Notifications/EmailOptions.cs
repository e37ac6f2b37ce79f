using MailKit.Security;

namespace Pim.Infrastructure;

public sealed class EmailOptions
{
    public string From { get; set; } = "Pim <pim@localhost>";
    /// <summary>Where .eml files are written when no SMTP host is set (the embedded default).</summary>
    public string PickupDirectory { get; set; } = "data/mail";
    public SmtpOptions Smtp { get; set; } = new();

    public sealed class SmtpOptions
    {
        public string? Host { get; set; }
        public int Port { get; set; } = 587;
        /// <summary>MailKit's SecureSocketOptions: Auto, None, StartTls, StartTlsWhenAvailable, SslOnConnect.</summary>
        public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTls;
        public string? Username { get; set; }
        public string? Password { get; set; }
    }
}
