using System.CommandLine;
using System.Text.Json.Nodes;

namespace Pim.Cli.Policy;

/// <summary>
/// <c>pim policy export | plan | apply | schema</c>: the tenant's access policy as a YAML file, kept in Git and applied by
/// a pipeline. <c>plan</c> exits 2 when the file and the tenant differ (0 when not), so a pipeline can gate on it;
/// <c>apply</c> makes the differences and reports each, and a second apply finds nothing to do.
/// </summary>
public static class PolicyCommand
{
    public static Command Create(CliHost host, GlobalOptions options)
    {
        var command = new Command("policy", "Access policy as code: export it as YAML, plan and apply changes.");
        command.Add(Export(host, options));
        command.Add(PlanOrApply(host, options, apply: false));
        command.Add(PlanOrApply(host, options, apply: true));
        command.Add(Schema(host));
        return command;
    }

    private static Command Export(CliHost host, GlobalOptions options)
    {
        var file = new Option<FileInfo?>("--file", "-f") { Description = "Write it to this file (default: standard output)." };
        var schema = new Option<string>("--schema")
        {
            Description = "The schema the file names for editors (default: policy.schema.json beside it; `pim policy schema` writes it).",
            DefaultValueFactory = _ => "policy.schema.json",
        };
        var command = new Command("export", "The tenant's roles, role settings, assignments, access reviews and alert settings as YAML.") { file, schema };
        command.SetSessionAction(host, options, async (session, parse, ct) =>
        {
            var document = await PolicyExport.ReadAsync(session.Pim, session.Tenant, ct);
            var text = PolicyYaml.Write(document, $"# yaml-language-server: $schema={parse.GetValue(schema)}\n");
            if (parse.GetValue(file) is { } target) await File.WriteAllTextAsync(target.FullName, text, ct);
            else session.Output.Writer.Write(text);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command PlanOrApply(CliHost host, GlobalOptions options, bool apply)
    {
        var file = new Option<FileInfo>("--file", "-f") { Description = "The policy file (YAML).", Required = true };
        var command = new Command(apply ? "apply" : "plan", apply
            ? "Make the tenant what the file says (If-Match on every replace), and report each change."
            : "Print what applying the file would change (exit 2 when anything would).") { file };
        command.SetSessionAction(host, options, async (session, parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists) throw CliException.Usage($"pim: {path.FullName} does not exist.");
            var desired = PolicyYaml.Read(await File.ReadAllTextAsync(path.FullName, ct));
            var plan = await PolicyPlan.MakeAsync(session.Pim, session.Http, session.Tenant, desired, ct);
            foreach (var note in plan.Notes) host.Error.WriteLine(note);
            var report = new JsonArray();
            foreach (var change in plan.Changes)
            {
                if (apply) await change.ApplyAsync(ct);
                if (session.Output.IsJson) report.Add(change.Description);
                else session.Output.Writer.WriteLine(change.Description);
            }
            if (session.Output.IsJson) session.Output.WriteJson(new JsonObject { ["applied"] = apply, ["changes"] = report });
            else session.Output.Writer.WriteLine(plan.Changes.Count == 0 ? "No changes: the tenant is as the file says."
                : apply ? $"{plan.Changes.Count} change(s) made." : $"{plan.Changes.Count} change(s) to make (pim policy apply -f {path.Name}).");
            return !apply && plan.Changes.Count > 0 ? ExitCodes.Changes : ExitCodes.Ok;
        });
        return command;
    }

    private static Command Schema(CliHost host)
    {
        var command = new Command("schema", "Print the policy file's JSON Schema (for editors: save it beside your policy file).");
        command.SetAction(_ =>
        {
            using var stream = typeof(PolicyCommand).Assembly.GetManifestResourceStream("policy.schema.json")!;
            host.Out.Write(new StreamReader(stream).ReadToEnd());
            return ExitCodes.Ok;
        });
        return command;
    }
}
