using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Pim.Domain;

namespace Pim.Api.Http;

/// <summary>
/// The development issuer: mints signed JWTs for any subject, tenant and MFA state, so that Pim can be tried and
/// tested without an identity provider. Its RSA key is generated on first start and kept under the data directory.
/// </summary>
public sealed class DevTokenIssuer
{
    public const string Issuer = "pim-dev-issuer";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly SigningCredentials _credentials;
    private readonly string _audience;
    private readonly TimeProvider _time;

    public DevTokenIssuer(string keyPath, string audience, TimeProvider time)
    {
        var rsa = RSA.Create();
        if (File.Exists(keyPath))
        {
            rsa.ImportFromPem(File.ReadAllText(keyPath));
        }
        else
        {
            rsa.KeySize = 2048;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(keyPath))!);
            File.WriteAllText(keyPath, rsa.ExportRSAPrivateKeyPem());
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        Key = new RsaSecurityKey(rsa) { KeyId = "pim-dev" };
        _credentials = new SigningCredentials(Key, SecurityAlgorithms.RsaSha256);
        _audience = audience;
        _time = time;
    }

    public RsaSecurityKey Key { get; }

    public string Issue(string subject, string? tenantId, bool mfa, IEnumerable<string> scopes, DateTimeOffset? authTime)
    {
        var now = _time.Now();
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (tenantId is not null) claims["tid"] = tenantId;
        claims["amr"] = mfa ? new[] { "pwd", "mfa" } : new[] { "pwd" };
        var scopeList = scopes.ToArray();
        if (scopeList.Length > 0) claims["scp"] = string.Join(' ', scopeList);
        claims["auth_time"] = (authTime ?? now).ToUnixTimeSeconds();
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = _audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + Lifetime).UtcDateTime,
            SigningCredentials = _credentials,
        });
    }
}
