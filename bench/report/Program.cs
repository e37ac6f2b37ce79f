using Pim.Bench.Report;

// bench/run.sh's typed half: `wrk FILE` prints one wrk run as "rps requests p50 p75 p90 p99 non2xx socket_errors" (ms);
// `summary RESULTS.tsv` prints the summary tables of a run from the results the script recorded.
return args switch
{
    ["wrk", var file] => Print(WrkRun.Parse(File.ReadAllLines(file)).ToLine()),
    ["summary", var file] => Print(new Summary(Results.Read(file)).Render()),
    _ => Usage(),
};

static int Print(string text)
{
    Console.Out.Write(text.EndsWith('\n') ? text : text + "\n");
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: Pim.Bench.Report wrk WRK_OUTPUT | summary RESULTS.tsv");
    return 2;
}
