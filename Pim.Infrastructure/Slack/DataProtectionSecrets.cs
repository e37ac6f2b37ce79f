using Microsoft.AspNetCore.DataProtection;
using Pim.Domain;

namespace Pim.Infrastructure;

/// <summary>
/// Credentials kept in the store (a tenant's Slack bot token) encrypted with ASP.NET Core Data Protection: its keys are in
/// the key directory (<c>Pim:DataProtection:KeysPath</c>), not in the database, so a copy of the database (a backup, a
/// replica, a dump) alone decrypts nothing.
/// </summary>
public sealed class DataProtectionSecrets(IDataProtectionProvider provider) : ISecretProtector
{
    /// <summary>The purpose string: ciphertext made for it opens for nothing else (console cookies, other secrets).</summary>
    public const string Purpose = "Pim.Integrations.Slack.BotToken.v1";

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}
