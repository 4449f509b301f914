/**
 * The fault run's figures, added up by every fault test and printed once at the end of the run
 * (issue 5: "the run prints its figures").
 */
export const figures = {
  /** requests sent to a koogate server */
  requests: 0,
  /** faults injected: kills, cuts of the database, throwing or hanging adapter calls, mutated requests */
  faults: 0,
  /** answers with an HTTP status of 500 or more */
  fiveHundreds: 0,
  /** instance rows that existed before a fault and were gone or corrupted after */
  rowsLost: 0,
  /** instance rows changed by a request that was refused */
  rowsChangedByRefused: 0,
};

after(function () {
  console.log(
    `\n  fault run: ${figures.requests} requests tried, ${figures.faults} faults injected, ` +
      `${figures.fiveHundreds} 5xx seen, ${figures.rowsChangedByRefused} rows changed by refused requests, rows lost: ${figures.rowsLost}`,
  );
});
