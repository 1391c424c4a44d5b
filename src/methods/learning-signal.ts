/**
 * How eligibility-trace training turns the output error into each layer's
 * learning signal (Neftci, Mostafa & Zenke 2019, papers/001: feedback alignment,
 * direct feedback, local errors). The float64 reference uses the same types.
 */

/** 'symmetric': the transposed forward weights; the others: fixed random matrices. */
export type LearningSignal = 'symmetric' | 'feedback-alignment' | 'direct' | 'local';

/** The fixed random matrices a learning signal uses, row-major. */
export interface FeedbackMatrices {
  /** 'feedback-alignment': G_l replacing W_{l+1} (l < L−1) and Wo (l = L−1), same shapes */
  alignment?: Float32Array[];
  /** 'direct': H_l, [O][N_l] */
  direct?: Float32Array[];
  /** 'local': the fixed random readout G_l of every layer, [O][N_l] */
  local?: Float32Array[];
}
