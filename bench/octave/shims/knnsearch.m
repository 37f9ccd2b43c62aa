function [idx, dist] = knnsearch(tree, q, name, k)
  % Stand-in for knnsearch(tree, Q, 'k', k): exact brute-force Euclidean neighbours, ascending
  % distance, ties to the lower row index (Octave's sort is stable).
  if ~strcmpi(name, 'k'), error('knnsearch stand-in: only the ''k'' option'); end
  x = tree.X;
  d2 = max(sum(q .^ 2, 2) + sum(x .^ 2, 2)' - 2 * (q * x'), 0);
  [s, order] = sort(d2, 2);
  idx = order(:, 1:k);
  dist = sqrt(s(:, 1:k));
end
