using System.Globalization;
using System.Text.RegularExpressions;

namespace Pim.Bench.Report;

/// <summary>One wrk run (<c>wrk --latency</c>'s output): throughput, latency percentiles in ms, and what went wrong.</summary>
public sealed partial record WrkRun(double RequestsPerSecond, long Requests, double P50, double P75, double P90, double P99, long Non2xx, long SocketErrors)
{
    public static WrkRun Parse(IEnumerable<string> lines)
    {
        double rps = 0, p50 = 0, p75 = 0, p90 = 0, p99 = 0;
        long requests = 0, non2xx = 0, errors = 0;
        foreach (var line in lines)
        {
            if (Percentile().Match(line) is { Success: true } p)
            {
                var ms = Milliseconds(p.Groups[2].Value);
                switch (p.Groups[1].Value)
                {
                    case "50": p50 = ms; break;
                    case "75": p75 = ms; break;
                    case "90": p90 = ms; break;
                    case "99": p99 = ms; break;
                }
            }
            else if (line.Contains("Requests/sec:", StringComparison.Ordinal)) rps = Number(line.Split(':')[1]);
            else if (RequestsIn().Match(line) is { Success: true } r) requests = long.Parse(r.Groups[1].Value, CultureInfo.InvariantCulture);
            else if (line.Contains("Non-2xx or 3xx responses:", StringComparison.Ordinal)) non2xx = (long)Number(line.Split(':')[1]);
            else if (line.Contains("Socket errors:", StringComparison.Ordinal))
                errors = SocketError().Matches(line).Sum(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        }
        return new WrkRun(rps, requests, p50, p75, p90, p99, non2xx, errors);
    }

    /// <summary>What bench/run.sh reads with <c>read -r rps requests p50 p75 p90 p99 non2xx errors</c>.</summary>
    public string ToLine() => string.Create(CultureInfo.InvariantCulture,
        $"{RequestsPerSecond:0.00} {Requests} {P50:0.000} {P75:0.000} {P90:0.000} {P99:0.000} {Non2xx} {SocketErrors}");

    /// <summary>wrk's latencies: 812.00us, 1.23ms, 2.01s.</summary>
    private static double Milliseconds(string value) =>
        value.EndsWith("us", StringComparison.Ordinal) ? Number(value[..^2]) / 1000
        : value.EndsWith("ms", StringComparison.Ordinal) ? Number(value[..^2])
        : value.EndsWith('s') ? Number(value[..^1]) * 1000
        : Number(value);

    private static double Number(string text) => double.Parse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s+(50|75|90|99)%\s+(\S+)")]
    private static partial Regex Percentile();

    [GeneratedRegex(@"^\s*(\d+) requests in ")]
    private static partial Regex RequestsIn();

    [GeneratedRegex(@"(?:connect|read|write|timeout) (\d+)")]
    private static partial Regex SocketError();
}
