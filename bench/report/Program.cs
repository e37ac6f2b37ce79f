using Pim.Bench.Report;

// bench/run.sh's typed half: `wrk FILE` prints one wrk run as "rps requests p50 p75 p90 p99 non2xx socket_errors" (ms);
// `summary RESULTS.tsv` prints the summary tables of a run from the results the script recorded; `issuer DIR URL` writes
// the benchmark's identity provider (metadata and key set) under DIR for a file server at URL and prints a token;
// `allocations TRACE.nettrace` prints where a gc-verbose trace's allocations were made (Allocations.cs).
return args switch
{
    ["wrk", var file] => Print(WrkRun.Parse(File.ReadAllLines(file)).ToLine()),
    ["summary", var file] => Print(new Summary(Results.Read(file)).Render()),
    ["issuer", var dir, var url] => Print(Issuer.Mint(dir, url, "bench-gateway", "pim.evaluate", hours: 12)),
    ["allocations", var trace] => Print(Allocations.Render(trace)),
    _ => Usage(),
};

static int Print(string text)
{
    Console.Out.Write(text.EndsWith('\n') ? text : text + "\n");
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Pim.Bench.Report wrk WRK_OUTPUT | summary RESULTS.tsv | issuer DIR URL | allocations TRACE.nettrace");
    return 2;
}
