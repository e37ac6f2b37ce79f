using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pim.Cli;

/// <summary>
/// A profile: where one Pim is (<see cref="Url"/>, <see cref="Tenant"/>) and, once signed in, the access token for it. Kept
/// as one file per profile that only its user may read or write (mode 0600, in a 0700 directory): the token is a bearer
/// credential, and anyone who reads it acts as the user until it expires. <c>pim logout</c> deletes the file.
/// </summary>
public sealed record Profile
{
    public string? Url { get; init; }
    public string? Tenant { get; init; }
    public string? AccessToken { get; init; }
    public DateTimeOffset? ExpiresAt { get; init; }
    /// <summary>How the token was got: <c>dev</c> (a Development Pim's issuer) or <c>device</c> (the identity provider).</summary>
    public string? SignIn { get; init; }
    public string? Subject { get; init; }
    public bool Mfa { get; init; }
    /// <summary>The identity provider's client for the device sign-in (default <c>pim-cli</c>) and where it is, if not discovered.</summary>
    public string? ClientId { get; init; }
    public string? Authority { get; init; }
}

public sealed class ProfileStore(string directory)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public string PathOf(string name)
    {
        if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) || name.StartsWith('.'))
            throw CliException.Usage($"pim: '{name}' is not a profile name (letters, digits, '-', '_' and '.').");
        return Path.Combine(directory, "profiles", name + ".json");
    }

    public Profile? Read(string name)
    {
        var path = PathOf(name);
        return File.Exists(path) ? JsonSerializer.Deserialize<Profile>(File.ReadAllText(path), Json) : null;
    }

    /// <summary>Writes the profile so that it is never readable by others, not even for a moment: created 0600, then filled.</summary>
    public void Write(string name, Profile profile)
    {
        var path = PathOf(name);
        var folder = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        using (var stream = new FileStream(temporary, options))
        {
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(stream.SafeFileHandle, OwnerOnly);
            stream.Write(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(profile, Json)));
        }
        File.Move(temporary, path, overwrite: true);
    }

    public bool Delete(string name)
    {
        var path = PathOf(name);
        if (!File.Exists(path)) return false;
        File.Delete(path);
        return true;
    }
}
