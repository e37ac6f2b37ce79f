using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Pim.Bench.Report;

/// <summary>
/// The benchmark's own identity provider, so that Pim runs in Production (no development issuer, no Development-only
/// middleware): a fresh RSA key, OpenID Connect metadata and a key set written as static files for a loopback file server
/// at <c>issuer</c>, and one token for the gateway the benchmark plays (a platform identity with <c>pim.evaluate</c>).
/// The key lives only as long as this process: nothing but the token it printed is ever signed with it.
/// </summary>
public static class Issuer
{
    /// <summary>Writes <c>DIR/.well-known/openid-configuration</c> and <c>DIR/jwks</c>, returns a token valid for <paramref name="hours"/>.</summary>
    public static string Mint(string dir, string issuer, string subject, string scopes, int hours)
    {
        using var rsa = RSA.Create(2048);
        var kid = "bench-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        var key = rsa.ExportParameters(includePrivateParameters: false);
        Directory.CreateDirectory(Path.Combine(dir, ".well-known"));
        File.WriteAllText(Path.Combine(dir, ".well-known", "openid-configuration"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["issuer"] = issuer, ["jwks_uri"] = issuer + "jwks", ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        File.WriteAllText(Path.Combine(dir, "jwks"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["keys"] = new[]
            {
                new Dictionary<string, string>
                {
                    ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = kid, ["n"] = B64(key.Modulus!), ["e"] = B64(key.Exponent!),
                },
            },
        }));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = B64(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = kid }));
        var payload = B64(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["iss"] = issuer, ["aud"] = "pim", ["sub"] = subject, ["scp"] = scopes, ["iat"] = now, ["nbf"] = now, ["exp"] = now + hours * 3600L,
        }));
        var signature = rsa.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return header + "." + payload + "." + B64(signature);
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
