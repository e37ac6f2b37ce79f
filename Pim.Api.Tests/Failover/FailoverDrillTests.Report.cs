using System.Globalization;
using System.Text;

namespace Pim.Api.Tests.Failover;

/// <summary>The failover drill's figures: printed, and written to PIM_FAILOVER_REPORT when scripts/test.sh sets it.</summary>
public sealed partial class FailoverDrillTests
{
    private void Report(TimeSpan? ready, DrillPim[] pims, int writes, int webhooks, int emails)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        var setUp = ready is { } r ? string.Create(c, $" ({r.TotalSeconds:0.0} s to a formation of a monitor and two nodes, and two replicas)") : " (failed)";
        text.AppendLine(c, $"failover drill: {_drill.Elapsed.TotalSeconds:0.0} s in all{setUp}");
        foreach (var f in _failovers)
        {
            if (f != _failovers[0] && _rejoined is { } rejoined)
                text.AppendLine(c, $"  the old primary rejoined as a standby {rejoined.TotalSeconds:0.0} s after its keeper ran again");
            var shares = string.Join(", ", pims.Select(p => string.Create(c, $"{p.Name} {f.Shares[p.Index]:0} ms")));
            var evaluations = string.Join("; ", pims.Select(p =>
                $"{p.Name} ({p.Mode}) {f.Evaluations[p.Index].Answered} answered, {f.Evaluations[p.Index].Refused} refused"));
            var seen = string.Join(", ", pims.Select(p => string.Create(c, $"{p.Name} {f.RevocationSeen[p.Index].TotalMilliseconds:0} ms")));
            text.AppendLine(c, $"  {f.Name}: primary killed → the new primary accepts writes after {f.Outage / 1000:0.00} s; Pim's share {shares} (at most {PimShare.TotalMilliseconds:0})");
            text.AppendLine(c, $"    writes: {f.Acknowledged} acknowledged, {f.Refused} refused (503) and resent with their keys: {f.ResentReplayed} had applied (replayed), {f.ResentApplied} applied then");
            text.AppendLine(c, $"    evaluations while the store was away: {evaluations}");
            text.AppendLine(c, $"    a revocation through one replica seen by the other after {seen}");
        }
        if (ready is not null)
            text.AppendLine(c, $"  {writes} writes, none lost, none applied twice; {webhooks} webhooks and {emails} emails, each sent exactly once; {_reviews.Count} reviews started, {_activations.Count} scheduled activations activated, an alert raised and resolved, each once");
        output.WriteLine(text.ToString());
        if (Environment.GetEnvironmentVariable("PIM_FAILOVER_REPORT") is { Length: > 0 } file) File.WriteAllText(file, text.ToString());
    }
}
