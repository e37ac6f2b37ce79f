// Four test collections at a time, not one per core: most of the suite's time is spent waiting — on PostgreSQL, on
// Chromium, on Pim processes starting, on SMTP relays — so two at a time left a 2-core machine partly idle (there, the
// suite without the failover drill took 5 m 48 s with four instead of about 7 m 55 s with two). Each collection has its own app and database, so running more of them at once
// changes no test's data; the collections that read process-wide telemetry or measure seconds (the failover drill) still
// run alone, after the others (DisableParallelization).
[assembly: CollectionBehavior(MaxParallelThreads = 4)]
