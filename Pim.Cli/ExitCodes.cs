namespace Pim.Cli;

/// <summary>
/// What <c>pim</c> exits with, the same for every command, so that scripts can branch on it (README, <i>Command line</i>).
/// </summary>
public static class ExitCodes
{
    /// <summary>Done; for <c>pim has</c>, the role is held; for <c>pim policy plan</c>, nothing to change.</summary>
    public const int Ok = 0;

    /// <summary>Pim refused (its problem's code and detail are printed), the role is not held, a request ended otherwise than active, or Pim could not be reached.</summary>
    public const int Refused = 1;

    /// <summary><c>pim policy plan</c>: the file differs from the tenant (the changes are printed).</summary>
    public const int Changes = 2;

    /// <summary>Sign-in needed: no token, an expired one, or a role that wants a fresh multi-factor sign-in (<c>pim login --mfa</c>).</summary>
    public const int SignIn = 3;

    /// <summary>The command line itself is wrong: an unknown option, a missing argument, a value that does not parse.</summary>
    public const int Usage = 64;
}

/// <summary>A failure <c>pim</c> explains itself, with the exit code it means.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    public static CliException Usage(string message) => new(ExitCodes.Usage, message);
}
