-- Indexes for the list filters of large registers (province scale).
CREATE INDEX employments_occupation ON employments (occupation, person_id);
