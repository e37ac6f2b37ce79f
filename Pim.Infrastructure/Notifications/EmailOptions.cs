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
        /// <summary>Whether the server certificate's chain is checked for revocation (CRL or OCSP). An internal CA that
        /// publishes neither needs <c>false</c>: otherwise every delivery fails ("unable to get certificate CRL").</summary>
        public bool CheckCertificateRevocation { get; set; } = true;
        /// <summary>A PEM file of CA certificates trusted for the SMTP server's certificate, besides the machine's
        /// store, for SMTP only (an internal CA need not be added to the machine's trust).</summary>
        public string? TrustedCaCertificatePath { get; set; }
    }
}
