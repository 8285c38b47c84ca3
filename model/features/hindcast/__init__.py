"""The hindcast: would the model, calibrated on the earlier figures, have predicted the later ones."""
