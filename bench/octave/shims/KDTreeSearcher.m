function tree = KDTreeSearcher(x)
  % Stand-in for MATLAB's KDTreeSearcher: holds the points; knnsearch searches them exactly.
  tree = struct('X', x);
end
