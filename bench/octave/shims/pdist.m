function d = pdist(x)
  % Stand-in for pdist (Euclidean only): the distances of all pairs i < j as a row vector, in
  % MATLAB's order (1,2), (1,3), ..., (1,n), (2,3), ...
  sq = sum(x .^ 2, 2);
  d2 = max(sq + sq' - 2 * (x * x'), 0);
  n = rows(x);
  d = sqrt(d2(tril(true(n), -1)))';
end
