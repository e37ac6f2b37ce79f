using System.CommandLine;

namespace Pim.Cli.Commands;

/// <summary><c>pim logout</c>: deletes the profile's file, and with it the cached token.</summary>
public static class LogoutCommand
{
    public static Command Create(CliHost host, GlobalOptions options)
    {
        var command = new Command("logout", "Forget the profile's token (deletes its file).");
        command.SetAction(parse => PimCommandLine.GuardAsync(host, () =>
        {
            var name = Session.ProfileNameOf(host, options, parse);
            host.Out.WriteLine(new ProfileStore(host.ConfigDirectory).Delete(name) ? $"Signed out (profile '{name}')." : $"Not signed in (profile '{name}').");
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }
}
