/** ccache's --print-stats output (ccache 4.x, tab-separated) as the compiler-cache tests read it. */
export const PRINT_STATS = [
  'stats_updated_timestamp\t1700000000',
  'direct_cache_hit\t40',
  'preprocessed_cache_hit\t2',
  'cache_miss\t5',
  'called_for_link\t7',
  'no_input_file\t1',
  'files_in_cache\t90'
].join('\n')
