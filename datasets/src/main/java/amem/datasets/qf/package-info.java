/**
 * The Question-Formation task (McCoy et al. 2020; docs/THEORY.md §6): a small weighted context-free grammar of
 * English declaratives, the yes/no-question transform that moves the main-clause auxiliary, a generator of
 * the train/dev/test/generalisation corpus, and a writer that turns it into a word-level token store.
 */
package amem.datasets.qf;
