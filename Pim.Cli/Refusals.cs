using System.Text.Json;
using Pim.Client;

namespace Pim.Cli;

/// <summary>
/// How a refusal reads: Pim's problem <c>code</c> and <c>detail</c> (and each field's errors), so that the person sees why
/// and a script can match the code. A role that wants a fresh multi-factor sign-in says how to get one.
/// </summary>
public static class Refusals
{
    public const string MfaRequired = "mfa-required";
    public const string Unauthenticated = "unauthenticated";

    public static (string? Code, string? Detail) Read(ApiException e)
    {
        if (e is ApiException<Problem> { Result: { } problem }) return (Output.Wire(problem.Code), problem.Detail ?? problem.Title);
        try
        {
            using var json = JsonDocument.Parse(e.Response ?? "");
            var root = json.RootElement;
            return (root.TryGetProperty("code", out var code) ? code.GetString() : null,
                root.TryGetProperty("detail", out var detail) ? detail.GetString() : root.TryGetProperty("title", out var title) ? title.GetString() : null);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    /// <summary>Prints the refusal to the error stream and returns the exit code it means.</summary>
    public static int Print(CliHost host, ApiException e)
    {
        var (code, detail) = Read(e);
        host.Error.WriteLine($"pim: refused ({e.StatusCode} {code ?? "error"}): {detail ?? "Pim answered without a problem."}");
        if (e is ApiException<Problem> { Result.Errors: { } errors })
            foreach (var (field, messages) in errors)
                foreach (var message in messages) host.Error.WriteLine($"  {field}: {message}");
        if (code == MfaRequired)
        {
            host.Error.WriteLine("pim: this needs a recent multi-factor sign-in: run `pim login --mfa` (or `pim login` and give your second factor), then try again.");
            return ExitCodes.SignIn;
        }
        if (code == Unauthenticated)
        {
            host.Error.WriteLine("pim: your sign-in was not accepted: run `pim login` again.");
            return ExitCodes.SignIn;
        }
        return ExitCodes.Refused;
    }
}
